package io.tunebook.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonParser;
import io.tunebook.model.CausalLM;
import io.tunebook.train.Batch;
import io.tunebook.train.BatchSource;
import io.tunebook.train.TokenWindows;
import io.tunebook.train.TrainableModel;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainingData;
import io.tunebook.train.TrainingArguments;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A LoRA run on the shipped tiny-base with the seeds' settings and the unchanged train.Trainer. */
class LoraTrainingTest {
    private static final Path MODEL = Path.of("../models/tiny-base");
    private static final Path DATA = Path.of("../datasets/support-fr/train.jsonl");
    private static final long[][] PROBE = {{1, 420, 77, 1234, 15, 890, 3001, 64, 5, 700}};

    @Test
    void trainsAdaptersOnlyAndReloadsFromPeftLayout(@TempDir Path dir) throws Exception {
        try (CausalLM model = CausalLM.load(MODEL)) {
            Map<String, byte[]> baseBytes = new LinkedHashMap<>();
            model.transformer().parameters().forEach((k, v) -> baseBytes.put(k, bytes(v)));
            LoraConfig config = LoraConfig.builder().r(16).alpha(32).dropout(0.05)
                    .targetModules("q_proj", "k_proj", "v_proj", "o_proj").seed(3).build();
            List<Double> losses = new ArrayList<>();
            float[] trained;
            try (LoraModel lora = LoraModel.wrap(model, config)) {
                // hidden 256, q and o 256 -> 256, k and v 256 -> 128 (4 kv heads of 32): r (in + out) each, 6 layers.
                long perLayer = 16L * (256 + 256) * 2 + 16L * (256 + 128) * 2;
                TrainableParameters counts = lora.parameterCounts();
                assertEquals(6 * perLayer, counts.trainable());
                assertEquals(172_032, counts.trainable());
                assertEquals(model.parameterCount() + 6 * perLayer, counts.all());
                assertEquals(48, lora.trainableParameters().size());

                TrainingArguments args = TrainingArguments.builder().maxSteps(10).gradientAccumulationSteps(1)
                        .learningRate(3e-3).warmupSteps(1).loggingSteps(1).seed(3).build();
                int[] tokens = tokens(model);
                // Two fixed batches seen in turn: the loss on them must fall whatever the draw.
                List<Batch> batches = new TokenWindows(tokens, 0, tokens.length, 2, 32, 3).sequential(2);
                int[] next = {0};
                BatchSource cycle = () -> batches.get(next[0]++ % batches.size());
                try (Trainer trainer = Trainer.builder().model(TrainableModel.lora(lora)).arguments(args)
                        .trainData(TrainingData.endless(() -> cycle)).build()) {
                    losses.add(trainer.evaluate(batches));
                    trainer.train();
                    losses.add(trainer.evaluate(batches));
                }
                lora.eval();
                trained = Logits.of(model, PROBE);
                lora.save(dir);
            }
            assertTrue(losses.get(1) < losses.get(0) - 0.5, "loss on the training batches falls: " + losses);
            model.transformer().parameters().forEach((k, v) ->
                    assertArrayEquals(baseBytes.get(k), bytes(v), k + " is bit-identical after training"));

            String json = Files.readString(dir.resolve("adapter_config.json"));
            var cfg = JsonParser.parseString(json).getAsJsonObject();
            assertEquals("LORA", cfg.get("peft_type").getAsString());
            assertEquals(32, cfg.get("lora_alpha").getAsInt());
            assertEquals(List.of("q_proj", "k_proj", "v_proj", "o_proj"),
                    cfg.getAsJsonArray("target_modules").asList().stream().map(e -> e.getAsString()).toList());

            try (CausalLM fresh = CausalLM.load(MODEL); LoraModel reloaded = LoraModel.load(fresh, dir)) {
                assertArrayEquals(trained, Logits.of(fresh, PROBE), "the reloaded adapter gives the same logits");
                assertEquals(48, reloaded.trainableParameters().size());
            }
        }
    }

    private static byte[] bytes(NDArray a) {
        ByteBuffer b = a.toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Answers of the support dataset, tokenised end to end. */
    private static int[] tokens(CausalLM model) throws Exception {
        List<Integer> ids = new ArrayList<>();
        for (String line : Files.readAllLines(DATA).subList(0, 30)) {
            String text = JsonParser.parseString(line).getAsJsonObject().get("output").getAsString();
            for (long id : model.tokenizer().encode(text, false)) {
                ids.add((int) id);
            }
            ids.add((int) model.tokenizer().eosId().orElseThrow());
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
