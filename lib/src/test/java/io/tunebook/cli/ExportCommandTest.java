package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.cli.CliTest.Outcome;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tensors;
import io.tunebook.quant.QuantConfig;
import io.tunebook.quant.Quantizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tunebook export} end to end: a QLoRA run of {@code tunebook train} (two steps), then its
 * adapter exported as a merged Hugging Face directory (sharded), a GGUF file with its Modelfile, and
 * a PEFT adapter, each with a model card; and what it refuses.
 */
class ExportCommandTest {
    private static final Path TINY = Path.of("../models/tiny-base").toAbsolutePath().normalize();
    private static final long[] IDS = {1, 71, 265, 8097, 49, 5322, 290, 44, 388, 1352, 381};

    @TempDir
    Path dir;

    private Path trainQlora() throws IOException {
        Path support = Path.of("../datasets/support-fr").toAbsolutePath().normalize();
        Files.write(dir.resolve("train.jsonl"), Files.readAllLines(support.resolve("train.jsonl")).subList(0, 8));
        Files.write(dir.resolve("validation.jsonl"), Files.readAllLines(support.resolve("validation.jsonl")).subList(0, 2));
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, "model:\n  path: " + TINY + "\n"
                + "data:\n  train: train.jsonl\n  validation: validation.jsonl\n"
                + "lora:\n  r: 8\n  alpha: 16\n  target_modules: all-linear\n"
                + "quantization:\n  type: nf4\n"
                + "training:\n  method: qlora\n  max_steps: 2\n  micro_batch_size: 4\n  learning_rate: 2.0e-3\n"
                + "  logging_steps: 1\n  eval_strategy: steps\n  eval_steps: 2\n  save_steps: 2\n  sequence_len: 256\n"
                + "output:\n  dir: run\n");
        Outcome o = CliTest.run("train", config.toString());
        assertEquals(0, o.code(), o.err());
        return dir.resolve("run/adapter");
    }

    @Test
    void exportsAQloraRunAsHfGgufAndPeftWithModelCards() throws Exception {
        Path adapter = trainQlora();

        // hf: merged into the dense base (not its NF4 approximation), f32, sharded.
        Path hf = dir.resolve("merged");
        Outcome o = CliTest.run("export", TINY.toString(), "--adapter", adapter.toString(), "--format", "hf",
                "--type", "f32", "--max-shard-size", "8MB", "--output", hf.toString());
        assertEquals(0, o.code(), o.err());
        JsonObject index = JsonParser.parseString(Files.readString(hf.resolve("model.safetensors.index.json")))
                .getAsJsonObject();
        assertTrue(index.getAsJsonObject("weight_map").entrySet().stream()
                .allMatch(e -> e.getValue().getAsString().matches("model-0000\\d-of-0000\\d\\.safetensors")), index.toString());
        assertTrue(index.getAsJsonObject("metadata").get("total_size").getAsLong() > 24_000_000L);
        try (Stream<Path> files = Files.list(hf)) {
            assertTrue(files.filter(p -> p.getFileName().toString().matches("model-0000\\d-of-0000\\d\\.safetensors"))
                    .count() >= 3, "25 MB of f32 weights in shards of 8 MB");
        }
        for (String f : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "README.md")) {
            assertTrue(Files.exists(hf.resolve(f)), f);
        }
        assertTrue(Files.readString(hf.resolve("tokenizer_config.json")).contains("chat_template"));
        float[] merged;
        try (CausalLM reloaded = CausalLM.load(hf)) {
            assertEquals("float32", reloaded.config().torchDtype());
            merged = logits(reloaded);
        }
        float[] dense;
        try (CausalLM base = CausalLM.load(TINY); LoraModel lora = LoraModel.load(base, adapter)) {
            dense = logits(base);
        }
        float[] nf4;
        try (CausalLM base = Quantizer.load(TINY, QuantConfig.nf4(), io.tunebook.model.LoadOptions.defaults());
                LoraModel lora = LoraModel.load(base, adapter)) {
            nf4 = logits(base);
        }
        assertTrue(maxDiff(merged, dense) <= 1e-4, "reloaded merge vs base + adapter: " + maxDiff(merged, dense));
        assertTrue(maxDiff(merged, nf4) > 1e-2, "the NF4 base would differ: " + maxDiff(merged, nf4));
        String card = Files.readString(hf.resolve("README.md"));
        assertTrue(card.contains("QLoRA") && card.contains("r 8, alpha 16"), card);
        assertTrue(card.contains("SHA-256 `" + sha256(dir.resolve("train.jsonl")) + "`"), card);
        assertTrue(card.contains("8 lines") && card.contains("2 optimizer steps") && card.contains("validation loss"), card);
        assertTrue(card.contains("vllm serve"), card);

        // gguf: the file, its Modelfile, its card with the evaluation given.
        Path evaluation = dir.resolve("evaluation.json");
        Files.writeString(evaluation, "{\"kind\": \"evaluation\", \"dataset\": \"support-fr/test\", \"summary\": ["
                + "{\"candidate\": \"qlora\", \"metric\": \"rougeL\", \"value\": 0.4321, \"ci95_low\": 0.4, \"ci95_high\": 0.46}]}");
        Path gguf = dir.resolve("gguf");
        o = CliTest.run("export", TINY.toString(), "--adapter", adapter.toString(), "--format", "gguf", "--type", "q8_0",
                "--system", "Tu es le service client.", "--evaluation", evaluation.toString(), "--output", gguf.toString());
        assertEquals(0, o.code(), o.err());
        Path file = gguf.resolve("tiny-base-run-q8_0.gguf");
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(file)) {
            assertEquals(8, in.read(head));
        }
        assertEquals("GGUF", new String(head, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(3, head[4]);
        String modelfile = Files.readString(gguf.resolve("Modelfile"));
        assertTrue(modelfile.startsWith("# Ollama") && modelfile.contains("FROM ./tiny-base-run-q8_0.gguf")
                && modelfile.contains("PARAMETER stop \"<|im_end|>\"") && modelfile.contains("SYSTEM \"\"\"Tu es le service client.\"\"\""),
                modelfile);
        String ggufCard = Files.readString(gguf.resolve("README.md"));
        assertTrue(ggufCard.contains("| qlora | rougeL | 0.4321 | 0.4000 – 0.4600 |") && ggufCard.contains("ollama create"),
                ggufCard);

        // peft: the adapter alone, for vLLM --enable-lora.
        Path peft = dir.resolve("peft");
        o = CliTest.run("export", TINY.toString(), "--adapter", adapter.toString(), "--format", "peft", "--output", peft.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(Files.exists(peft.resolve("adapter_model.safetensors")) && Files.exists(peft.resolve("adapter_config.json")));
        assertTrue(Files.readString(peft.resolve("README.md")).contains("--enable-lora"));
        try (CausalLM base = CausalLM.load(TINY); LoraModel lora = LoraModel.load(base, peft)) {
            assertTrue(maxDiff(logits(base), dense) <= 1e-5, "the exported adapter is the trained one");
        }
    }

    @Test
    void refusesBeforeWritingAnything() throws Exception {
        Path out = dir.resolve("out");
        Outcome o = CliTest.run("export", TINY.toString(), "--format", "hf", "--type", "q4_k_m", "--output", out.toString());
        assertEquals(1, o.code());
        assertTrue(o.err().contains("quantized types are for --format gguf"), o.err());
        o = CliTest.run("export", TINY.toString(), "--format", "peft", "--output", out.toString());
        assertEquals(1, o.code());
        assertTrue(o.err().contains("give --adapter"), o.err());
        o = CliTest.run("export", TINY.toString(), "--format", "onnx", "--output", out.toString());
        assertEquals(1, o.code());
        assertTrue(o.err().contains("choose gguf, hf or peft"), o.err());
        o = CliTest.run("export", TINY.toString(), "--output", out.toString());
        assertEquals(2, o.code());
        assertFalse(Files.exists(out));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "no staging directory left behind");
        }
        Files.createDirectories(out);
        o = CliTest.run("export", TINY.toString(), "--format", "gguf", "--output", out.toString());
        assertEquals(1, o.code());
        assertTrue(o.err().contains("already exists"), o.err());
    }

    private static float[] logits(CausalLM model) {
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray input = Tensors.of(scratch, IDS, new Shape(1, IDS.length));
            return model.transformer().forward(input, null, null, null).toFloatArray();
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
