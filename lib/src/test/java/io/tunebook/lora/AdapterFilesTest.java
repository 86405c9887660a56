package io.tunebook.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.model.CausalLM;
import io.tunebook.model.safetensors.SafetensorsFile;
import io.tunebook.model.safetensors.SafetensorsWriter;
import io.tunebook.model.safetensors.TensorEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken adapter directories fail with errors naming the file and the key, and leave the model as it was. */
class AdapterFilesTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/peft-lora");
    private static final Path BASE = Path.of("src/test/resources/fixtures/llama2");
    private static final String Q_A = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    private static final long[][] IDS = {{5, 17, 33, 2, 90}};

    @TempDir
    Path dir;

    @BeforeEach
    void copyFixture() throws Exception {
        for (String f : new String[] {"adapter_config.json", "adapter_model.safetensors"}) {
            Files.copy(FIXTURE.resolve(f), dir.resolve(f));
        }
    }

    private String loadError() {
        try (CausalLM model = CausalLM.load(BASE)) {
            float[] base = Logits.of(model, IDS);
            LoraException e = assertThrows(LoraException.class, () -> LoraModel.load(model, dir));
            assertArrayEquals(base, Logits.of(model, IDS), "a failed load leaves the base model");
            LoraModel.wrap(model, LoraConfig.builder().build()).close(); // and unwrapped
            return e.getMessage();
        }
    }

    private void editConfig(String from, String to) throws Exception {
        Path f = dir.resolve("adapter_config.json");
        String text = Files.readString(f);
        assertTrue(text.contains(from), from);
        Files.writeString(f, text.replace(from, to));
    }

    /** Rewrites the weights keeping the tensors {@code keep} accepts, plus {@code extra} (a copy of q_proj's A) if non-null. */
    private void rewriteWeights(Predicate<String> keep, String extra) throws Exception {
        Path f = dir.resolve("adapter_model.safetensors");
        SafetensorsWriter writer = new SafetensorsWriter();
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            for (TensorEntry e : st.entries()) {
                if (keep.test(e.name())) {
                    writer.add(e.name(), e.dtype(), e.shape(), st.readRaw(e.name()));
                }
            }
            if (extra != null) {
                TensorEntry e = st.entry(Q_A);
                writer.add(extra, e.dtype(), e.shape(), st.readRaw(Q_A));
            }
        }
        writer.write(f);
    }

    @Test
    void unsupportedConfigsNameTheField() throws Exception {
        editConfig("\"peft_type\": \"LORA\"", "\"peft_type\": \"IA3\"");
        String m = loadError();
        assertTrue(m.contains("adapter_config.json") && m.contains("'peft_type'") && m.contains("IA3"), m);
        editConfig("\"peft_type\": \"IA3\"", "\"peft_type\": \"LORA\"");
        editConfig("\"rank_pattern\": {}", "\"rank_pattern\": {\"q_proj\": 8}");
        m = loadError();
        assertTrue(m.contains("'rank_pattern'"), m);
    }

    @Test
    void shapesThatDisagreeWithTheConfig() throws Exception {
        editConfig("\"r\": 4", "\"r\": 8");
        String m = loadError();
        assertTrue(m.matches(".*adapter_model.safetensors: tensor 'base_model\\.model\\.model\\.layers\\.0\\.[a-z_.]+"
                + "\\.lora_A\\.weight' has shape \\[4, \\d+] but the model and adapter_config.json need \\[8, \\d+]"), m);
    }

    @Test
    void unknownAndMissingTensors() throws Exception {
        String stray = "base_model.model.model.layers.0.self_attn.q_proj.lora_C.weight";
        rewriteWeights(n -> true, stray);
        String m = loadError();
        assertTrue(m.contains("adapter_model.safetensors") && m.contains(stray), m);
        rewriteWeights(n -> !n.equals(stray) && !n.contains("layers.1.mlp.up_proj.lora_B"), null);
        m = loadError();
        assertTrue(m.contains("missing tensor 'base_model.model.model.layers.1.mlp.up_proj.lora_B.weight'"), m);
    }

    @Test
    void missingConfigFile() throws Exception {
        Files.delete(dir.resolve("adapter_config.json"));
        assertTrue(loadError().contains("needs adapter_config.json"));
    }
}
