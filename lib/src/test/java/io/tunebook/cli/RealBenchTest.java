package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.cli.CliTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's small version of {@code bench --real}: a 50.3 M-parameter Llama shape written on the fly,
 * each method in a fresh JVM. Asserts the ordering of the methods' peak resident memory (QLoRA below
 * LoRA below full fine-tuning), that gradient checkpointing lowers QLoRA's peak, and that the planner
 * refuses a model whose weights cannot fit.
 */
class RealBenchTest {
    /** hidden 768, MLP 2048, 6 layers, 12 heads over 4 kv heads, vocabulary 8192, untied: 50.3 M weights. */
    static final String CONFIG = """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 768,
             "intermediate_size": 2048, "num_hidden_layers": 6, "num_attention_heads": 12, "num_key_value_heads": 4,
             "vocab_size": 8192, "max_position_embeddings": 512, "rope_theta": 10000.0, "rms_norm_eps": 1e-5,
             "tie_word_embeddings": false, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "bfloat16"}
            """;

    @TempDir
    Path tmp;

    @Test
    void qloraPeaksBelowLoraWhichPeaksBelowFullFineTuning() throws IOException {
        Path config = tmp.resolve("small-50m.json");
        Files.writeString(config, CONFIG);
        Outcome o = CliTest.run("bench", "--real", config.toString(), "--phases", "full,lora,qlora", "--seq", "64",
                "--steps", "0", "--weights-dir", tmp.resolve("ckpt").toString(), "--json");
        assertEquals(0, o.code(), o.err());
        JsonObject result = JsonParser.parseString(o.out()).getAsJsonObject();
        assertEquals(2L * 8192 * 768 + 6L * (2 * 768 * 768 + 2 * 768 * 256 + 3 * 768 * 2048 + 2 * 768) + 768, result.get("parameters").getAsLong());
        assertTrue(Files.isRegularFile(tmp.resolve("ckpt/model.safetensors")));
        Map<String, JsonObject> phases = new HashMap<>();
        JsonArray rows = result.getAsJsonArray("phases");
        for (int i = 0; i < rows.size(); i++) {
            JsonObject r = rows.get(i).getAsJsonObject();
            phases.put(r.get("phase").getAsString(), r);
        }
        double full = phases.get("full").get("peak_rss_mb").getAsDouble();
        double lora = phases.get("lora").get("peak_rss_mb").getAsDouble();
        double qlora = phases.get("qlora").get("peak_rss_mb").getAsDouble();
        assertTrue(qlora < lora && lora < full, "peaks (MiB): qlora " + qlora + ", lora " + lora + ", full " + full);
        for (JsonObject r : phases.values()) {
            assertTrue(r.get("step_seconds").getAsDouble() > 0, r.toString());
            assertTrue(r.has("estimate_mb") && r.get("estimate_over_peak").getAsDouble() > 0, r.toString());
        }
        assertEquals(6 * 16L * (2 * (768 + 768) + 2 * (768 + 256) + 3 * (768 + 2048)),
                phases.get("lora").get("trainable_parameters").getAsLong(), "r 16 on all seven projections");
        assertTrue(phases.get("qlora").get("gradient_checkpointing").getAsBoolean(), "QLoRA's recipe checkpoints");
        assertTrue(!phases.get("lora").get("gradient_checkpointing").getAsBoolean());

        // Earlier measurements beside today's estimates, without running anything again.
        Path saved = tmp.resolve("measured.json");
        Files.writeString(saved, o.out());
        Outcome again = CliTest.run("bench", "--real", config.toString(), "--phases", "qlora,full", "--seq", "64",
                "--measured", saved.toString(), "--weights-dir", tmp.resolve("elsewhere").toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().lines().anyMatch(l -> l.matches("qlora +yes .*"))
                && again.out().lines().anyMatch(l -> l.matches("full +no .*")), again.out());
        assertTrue(again.out().contains(String.format("%.0f", qlora)), again.out());
        assertTrue(!Files.exists(tmp.resolve("elsewhere")), "nothing written, nothing run");
        assertEquals(2, CliTest.run("bench", "--real", config.toString(), "--phases", "generate", "--measured",
                saved.toString()).code(), "no measurement of generate in the file");

        // The same QLoRA step without gradient checkpointing, on the checkpoint written above.
        Outcome off = CliTest.run("bench", "--real", config.toString(), "--phases", "qlora", "--seq", "64", "--steps",
                "0", "--weights-dir", tmp.resolve("ckpt").toString(), "--gradient-checkpointing", "false", "--json");
        assertEquals(0, off.code(), off.err());
        JsonObject offResult = JsonParser.parseString(off.out()).getAsJsonObject();
        assertTrue(!offResult.get("weights_written").getAsBoolean(), "the weights are reused");
        JsonObject qloraOff = offResult.getAsJsonArray("phases").get(0).getAsJsonObject();
        assertTrue(!qloraOff.get("gradient_checkpointing").getAsBoolean());
        double withoutCheckpointing = qloraOff.get("peak_rss_mb").getAsDouble();
        assertTrue(qlora < withoutCheckpointing, "QLoRA peak with checkpointing " + qlora + " MiB, without "
                + withoutCheckpointing);
        System.out.printf("peaks (MiB): full %.0f, lora %.0f, qlora %.0f, qlora without checkpointing %.0f%n", full,
                lora, qlora, withoutCheckpointing);
        // The planner's CPU profile was fitted on the real shapes (bench/README.md: 0.83-1.19 there) and must hold
        // the issue's ±25 % on this small one too (0.86-1.02 measured here).
        for (JsonObject r : List.of(phases.get("full"), phases.get("lora"), phases.get("qlora"), qloraOff)) {
            double ratio = r.get("estimate_over_peak").getAsDouble();
            System.out.println(r.get("phase").getAsString() + " estimate/peak " + ratio);
            assertTrue(ratio >= 0.75 && ratio <= 1.25, r.toString());
        }
    }

    @Test
    void aConfigWhoseWeightsCannotFitIsRefusedBeforeAnythingIsWritten() throws IOException {
        // 400 layers of hidden 16384: 1.9 T parameters, far beyond any machine's RAM, even in NF4.
        Path config = tmp.resolve("huge.json");
        Files.writeString(config, CONFIG.replace("\"hidden_size\": 768", "\"hidden_size\": 16384")
                .replace("\"intermediate_size\": 2048", "\"intermediate_size\": 65536")
                .replace("\"num_hidden_layers\": 6", "\"num_hidden_layers\": 400")
                .replace("\"num_attention_heads\": 12", "\"num_attention_heads\": 128"));
        Path ckpt = tmp.resolve("ckpt");
        Outcome o = CliTest.run("bench", "--real", config.toString(), "--phases", "qlora", "--weights-dir",
                ckpt.toString());
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains("huge: qlora needs") && o.err().contains("GB for its weights alone")
                && o.err().contains("MemAvailable in /proc/meminfo") && o.err().contains("refused before loading"),
                o.err());
        assertTrue(!Files.exists(ckpt), "nothing written");
    }
}
