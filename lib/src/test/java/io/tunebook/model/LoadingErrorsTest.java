package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.model.safetensors.Dtype;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad model directory fails with a message naming the file and the field or tensor. */
class LoadingErrorsTest {
    @TempDir
    Path tmp;

    private Path copyOf(String fixture) throws Exception {
        Path dir = tmp.resolve(fixture);
        Files.createDirectories(dir);
        try (var files = Files.list(Fixtures.dir(fixture))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    @Test
    void missingConfigIsNamed() throws Exception {
        Path dir = copyOf("llama2");
        Files.delete(dir.resolve("config.json"));
        ModelException e = assertThrows(ModelException.class, () -> CausalLM.load(dir));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void unknownArchitectureListsTheSupportedOnes() throws Exception {
        Path dir = copyOf("llama2");
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("LlamaForCausalLM", "GPT2LMHeadModel"));
        ModelException e = assertThrows(ModelException.class, () -> CausalLM.load(dir));
        assertTrue(e.getMessage().contains("GPT2LMHeadModel"), e.getMessage());
        assertTrue(e.getMessage().contains("Qwen3ForCausalLM") && e.getMessage().contains("MistralForCausalLM"),
                e.getMessage());
    }

    @Test
    void shapeMismatchNamesTensorAndBothShapes() throws Exception {
        Path dir = copyOf("llama2");
        Path config = dir.resolve("config.json");
        String json = Files.readString(config);
        int size = ModelConfig.read(config).intermediateSize();
        Files.writeString(config, json.replace("\"intermediate_size\": " + size, "\"intermediate_size\": " + (size + 8)));
        ModelException e = assertThrows(ModelException.class, () -> CausalLM.load(dir));
        assertTrue(e.getMessage().contains("model.layers.0.mlp.gate_proj.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("[" + size + ", ") && e.getMessage().contains("[" + (size + 8) + ", "),
                e.getMessage());
    }

    @Test
    void pickleCheckpointsAreRefused() throws Exception {
        Path dir = copyOf("llama2");
        Files.delete(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        ModelException e = assertThrows(ModelException.class, () -> CausalLM.load(dir));
        assertTrue(e.getMessage().contains("safetensors"), e.getMessage());
    }

    @Test
    void savedModelReloadsWithTheSameLogits() throws Exception {
        try (CausalLM model = CausalLM.load(Fixtures.dir("qwen3"))) {
            long[] ids = {1, 7, 30, 2, 99};
            float[] before = model.tokenLogProbs(ids);
            Path out = tmp.resolve("saved");
            model.save(out, Dtype.F32);
            model.save(out, Dtype.F32); // overwriting a good save goes through the same atomic swap
            try (CausalLM reloaded = CausalLM.load(out)) {
                float[] after = reloaded.tokenLogProbs(ids);
                for (int i = 0; i < before.length; i++) {
                    assertEquals(before[i], after[i], 0f);
                }
                assertEquals(model.config().withTorchDtype("float32"), reloaded.config());
            }
            try (var leftovers = Files.list(tmp)) {
                assertEquals(0, leftovers.filter(p -> p.getFileName().toString().startsWith(".saved")).count(),
                        "no staging or backup directory is left behind");
            }
        }
    }
}
