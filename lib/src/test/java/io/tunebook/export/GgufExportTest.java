package io.tunebook.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.model.CausalLM;
import io.tunebook.model.RopeScaling;
import io.tunebook.model.Tensors;
import io.tunebook.model.safetensors.Half;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF layout, read back by an independent reader ({@link GgufFile}); llama.cpp's verdict is in LlamaCppExportTest. */
class GgufExportTest {
    @TempDir
    Path tmp;

    @Test
    void writerLaysOutVersion3WithAlignedTensorsAndTypedMetadata() throws Exception {
        Random random = new Random(7);
        float[] x = new float[2 * 512];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 0.05);
        }
        GgufWriter w = new GgufWriter().putString("general.architecture", "llama").putUint32("u", 4_000_000_000L)
                .putInt32("i", -3).putFloat32("f", 1e-5f).putBool("b", true).putStrings("s", List.of("a", "é"))
                .putInt32s("ia", new int[] {1, 6}).putFloat32s("fa", new float[] {-1.5f});
        for (GgmlType t : GgmlType.values()) {
            w.addTensor("t." + t, new long[] {2, 512}, t, x::clone);
        }
        w.addTensor("odd", new long[] {3}, GgmlType.F32, () -> new float[] {1, 2, 3});
        Path file = tmp.resolve("a.gguf");
        w.write(file);
        GgufFile g = new GgufFile(file);
        assertEquals(3, g.version);
        assertEquals(Map.of("general.architecture", "llama", "u", 4_000_000_000L, "i", -3, "f", 1e-5f, "b", true,
                "s", List.of("a", "é"), "ia", List.of(1, 6), "fa", List.of(-1.5f)), g.metadata);
        assertEquals(0, g.dataStart % 32);
        for (GgufFile.TensorInfo t : g.tensors.values()) {
            assertEquals(0, t.offset() % 32, t.name() + " offset");
        }
        assertArrayEquals(new long[] {512, 2}, g.tensors.get("t.Q4_K").dims(), "dims innermost first");
        assertEquals(12, g.tensors.get("t.Q4_K").type());
        assertArrayEquals(x, g.values("t.F32"));
        // The 3 values of the last tensor end the file after its padding.
        assertArrayEquals(new float[] {1, 2, 3}, g.values("odd"));
        assertEquals(g.dataStart + g.tensors.get("odd").offset() + 32, Files.size(file));
        float[] f16 = g.values("t.F16");
        float[] bf16 = g.values("t.BF16");
        for (int i = 0; i < x.length; i++) {
            assertEquals(Half.f16ToFloat(Half.floatToF16(x[i])), f16[i]);
            assertEquals(Half.bf16ToFloat(Half.floatToBf16(x[i])), bf16[i]);
        }
        // Decoded with ggml's dequantizers, each type's error relative to the weights' RMS is what its bits allow.
        double rms = Math.sqrt(sq(x, new float[x.length]) / x.length);
        Map<GgmlType, Double> bound = Map.of(GgmlType.Q8_0, 0.01, GgmlType.Q6_K, 0.04, GgmlType.Q5_0, 0.08,
                GgmlType.Q4_K, 0.12, GgmlType.Q4_0, 0.16);
        bound.forEach((t, b) -> {
            double err = Math.sqrt(sq(x, g.values("t." + t)) / x.length) / rms;
            assertTrue(err < b, t + ": relative RMS error " + err);
            assertTrue(err > b / 20, t + ": suspiciously exact, " + err);
        });
        // Six bits beat five, five beat four: the layouts are decoded as they were meant.
        double q6 = sq(x, g.values("t.Q6_K"));
        double q5 = sq(x, g.values("t.Q5_0"));
        double q4 = sq(x, g.values("t.Q4_K"));
        assertTrue(q6 < q5 && q5 < q4, q6 + " " + q5 + " " + q4);
    }

    private static double sq(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return s;
    }

    @Test
    void nearestIntRoundsHalfToEvenAsGgml() {
        assertEquals(2, Quants.nearestInt(2.5f));
        assertEquals(4, Quants.nearestInt(3.5f));
        assertEquals(-2, Quants.nearestInt(-2.5f));
        assertEquals(-3, Quants.nearestInt(-2.6f));
        assertEquals(0, Quants.nearestInt(0.49f));
    }

    @Test
    void tinyBaseQ4KMFollowsLlamaQuantizeAndKeepsVectorsF32() throws Exception {
        Path file = tmp.resolve("q.gguf");
        try (CausalLM model = CausalLM.load(LlamaCppExportTest.TINY)) {
            GgufExport.write(model, GgufFileType.Q4_K_M, "tiny", file);
        }
        GgufFile g = new GgufFile(file);
        assertEquals("llama", g.metadata.get("general.architecture"));
        assertEquals(15L, g.metadata.get("general.file_type"));
        assertEquals(6L, g.metadata.get("llama.block_count"));
        assertEquals(4L, g.metadata.get("llama.attention.head_count_kv"));
        assertEquals(32L, g.metadata.get("llama.rope.dimension_count"));
        assertEquals("gpt2", g.metadata.get("tokenizer.ggml.model"));
        assertEquals("gpt-2", g.metadata.get("tokenizer.ggml.pre"));
        assertEquals(true, g.metadata.get("tokenizer.ggml.add_bos_token"));
        assertEquals(1L, g.metadata.get("tokenizer.ggml.bos_token_id"));
        assertEquals(8192, ((List<?>) g.metadata.get("tokenizer.ggml.tokens")).size());
        assertEquals(List.of(3, 3, 3, 3, 3, 1), ((List<?>) g.metadata.get("tokenizer.ggml.token_type")).subList(0, 6));
        assertEquals("Ġ d", ((List<?>) g.metadata.get("tokenizer.ggml.merges")).get(0));
        assertTrue(((String) g.metadata.get("tokenizer.chat_template")).contains("<|im_start|>"));
        // Tied embeddings: token_embd is the output matrix, Q6_K; no output.weight.
        assertEquals(14, g.tensors.get("token_embd.weight").type());
        assertFalse(g.tensors.containsKey("output.weight"));
        for (int layer = 0; layer < 6; layer++) {
            boolean more = layer == 2 || layer == 5; // use_more_bits(i, 6)
            assertEquals(more ? 14 : 12, g.tensors.get("blk." + layer + ".attn_v.weight").type(), "attn_v " + layer);
            // ffn_down rows are 640 weights, not a multiple of 256: Q6_K falls back to Q8_0, Q4_K to Q5_0.
            assertEquals(more ? 8 : 6, g.tensors.get("blk." + layer + ".ffn_down.weight").type(), "ffn_down " + layer);
            assertEquals(12, g.tensors.get("blk." + layer + ".attn_q.weight").type());
            assertEquals(12, g.tensors.get("blk." + layer + ".ffn_up.weight").type());
            assertEquals(0, g.tensors.get("blk." + layer + ".attn_norm.weight").type());
        }
        assertEquals(0, g.tensors.get("output_norm.weight").type());
        assertEquals(6 * 9 + 2, g.tensors.size());
    }

    @Test
    void llamaQueryAndKeyRowsArePermutedToInterleavedPairsAndQwenOnesAreNot() throws Exception {
        Path llama = tmp.resolve("l.gguf");
        Path qwen = tmp.resolve("q.gguf");
        float[] hfQ;
        float[] hfK;
        float[] qwenQ;
        try (CausalLM model = CausalLM.load(LlamaCppExportTest.TINY)) {
            hfQ = Tensors.toFloatArray(model.transformer().parameters().get("model.layers.1.self_attn.q_proj.weight"));
            hfK = Tensors.toFloatArray(model.transformer().parameters().get("model.layers.1.self_attn.k_proj.weight"));
            GgufExport.write(model, GgufFileType.F32, "tiny", llama);
        }
        Path qwenDir = ArchitecturesLlamaCppTest.withTokenizer(tmp, "qwen2");
        try (CausalLM model = CausalLM.load(qwenDir)) {
            qwenQ = Tensors.toFloatArray(model.transformer().parameters().get("model.layers.0.self_attn.q_proj.weight"));
            GgufExport.write(model, GgufFileType.F32, "qwen", qwen);
        }
        GgufFile g = new GgufFile(llama);
        assertPermuted(hfQ, g.values("blk.1.attn_q.weight"), 8, 32, 256);
        assertPermuted(hfK, g.values("blk.1.attn_k.weight"), 4, 32, 256);
        GgufFile q = new GgufFile(qwen);
        assertArrayEquals(qwenQ, q.values("blk.0.attn_q.weight"));
        assertTrue(q.tensors.containsKey("blk.0.attn_q.bias"));
        assertEquals("qwen2", q.metadata.get("general.architecture"));
    }

    private static void assertPermuted(float[] hf, float[] gguf, int heads, int headDim, int cols) {
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                for (int j = 0; j < 2; j++) {
                    int from = h * headDim + j * headDim / 2 + i;
                    int to = h * headDim + 2 * i + j;
                    for (int c = 0; c < cols; c += 37) {
                        assertEquals(hf[from * cols + c], gguf[to * cols + c]);
                    }
                }
            }
        }
    }

    @Test
    void llama31RopeScalingBecomesTheFrequencyFactorsLlamaCppDividesBy() throws Exception {
        Path dir = ArchitecturesLlamaCppTest.withTokenizer(tmp, "llama3");
        Path file = tmp.resolve("l3.gguf");
        try (CausalLM model = CausalLM.load(dir)) {
            GgufExport.write(model, GgufFileType.F16, "llama3", file);
        }
        JsonObject ref = JsonParser.parseString(Files.readString(
                ArchitecturesLlamaCppTest.FIXTURES.resolve("llama3/reference.json"))).getAsJsonObject();
        float[] factors = new GgufFile(file).values("rope_freqs.weight");
        float[] plain = RopeScaling.NONE.inverseFrequencies(16, 500000.0);
        assertEquals(8, factors.length);
        for (int i = 0; i < 8; i++) {
            double scaled = ref.getAsJsonArray("rope_inv_freq").get(i).getAsDouble(); // the fixture's own float64 formula
            assertEquals(plain[i] / scaled, factors[i], 1e-4 * factors[i], "factor " + i);
        }
        assertEquals(1f, factors[0]);
        assertEquals(8f, factors[7], 1e-5);
    }

    @Test
    void sentencePieceStyleTokenizersBecomeLlamaVocabulariesWithScoresAndByteTokens() throws Exception {
        // Llama 2 / Mistral tokenizer.json: BPE with byte fallback, "▁" for spaces, <0xNN> byte tokens.
        JsonObject vocab = new JsonObject();
        String[] specials = {"<unk>", "<s>", "</s>"};
        for (int i = 0; i < 3; i++) {
            vocab.addProperty(specials[i], i);
        }
        for (int b = 0; b < 256; b++) {
            vocab.addProperty(String.format("<0x%02X>", b), 3 + b);
        }
        String[] pieces = {"\u2581", "a", "b", "\u2581a", "ab"};
        for (int i = 0; i < pieces.length; i++) {
            vocab.addProperty(pieces[i], 259 + i);
        }
        StringBuilder added = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            added.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"content\":\"").append(specials[i])
                    .append("\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}");
        }
        String json = "{\"version\":\"1.0\",\"added_tokens\":[" + added + "],"
                + "\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\",\"prepend\":\"\u2581\"},"
                + "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\u2581\"}]},"
                + "\"pre_tokenizer\":null,\"post_processor\":null,\"decoder\":null,"
                + "\"model\":{\"type\":\"BPE\",\"unk_token\":\"<unk>\",\"byte_fallback\":true,\"fuse_unk\":true,"
                + "\"vocab\":" + vocab + ",\"merges\":[\"\u2581 a\",\"a b\"]}}";
        Path dir = tmp.resolve("spm");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tokenizer.json"), json);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\":\"<s>\",\"eos_token\":\"</s>\",\"unk_token\":\"<unk>\"}");
        Path file = tmp.resolve("spm.gguf");
        try (io.tunebook.model.Tokenizer tokenizer = io.tunebook.model.Tokenizer.load(dir)) {
            assertEquals(new GgufVocab.Kind("llama", "default"), GgufVocab.kind(tokenizer));
            GgufWriter w = new GgufWriter();
            GgufVocab.write(w, tokenizer, io.tunebook.model.ModelConfig.read(
                    ArchitecturesLlamaCppTest.FIXTURES.resolve("llama2/config.json")));
            w.write(file);
        }
        GgufFile g = new GgufFile(file);
        assertEquals("llama", g.metadata.get("tokenizer.ggml.model"));
        List<?> tokens = (List<?>) g.metadata.get("tokenizer.ggml.tokens");
        List<?> types = (List<?>) g.metadata.get("tokenizer.ggml.token_type");
        List<?> scores = (List<?>) g.metadata.get("tokenizer.ggml.scores");
        assertEquals(264, tokens.size());
        assertEquals("\u2581a", tokens.get(262));
        assertEquals(List.of(2, 3, 3, 6), types.subList(0, 4), "unknown, control, control, byte");
        assertEquals(6, types.get(258));
        assertEquals(1, types.get(262));
        assertEquals(-1f, scores.get(262), "made by the first merge");
        assertEquals(-2f, scores.get(263), "made by the second merge");
        assertEquals(0f, scores.get(260));
        assertFalse(g.metadata.containsKey("tokenizer.ggml.merges"));
        assertEquals(1L, g.metadata.get("tokenizer.ggml.bos_token_id"));
        assertEquals(0L, g.metadata.get("tokenizer.ggml.unknown_token_id"));
    }

    @Test
    void unfitModelsAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path dir = ArchitecturesLlamaCppTest.withTokenizer(tmp, "llama2"); // hidden 48: rows are not whole Q4_0 blocks
        Path out = tmp.resolve("out");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Exporter.builder(dir)
                .format(Exporter.Format.GGUF).type("q4_0").build().to(out));
        assertTrue(e.getMessage().contains("model.embed_tokens.weight") && e.getMessage().contains("Q4_0"), e.getMessage());
        assertFalse(Files.exists(out));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".out")).toList());
        }
        // q8_0 falls back to F16 for such rows, as the converter does.
        Exporter.builder(dir).format(Exporter.Format.GGUF).type("q8_0").build().to(out);
        assertTrue(Files.exists(out.resolve("README.md")));

        Files.writeString(dir.resolve("tokenizer.json"), Files.readString(dir.resolve("tokenizer.json"))
                .replace("\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,"
                        + "\"use_regex\":true}", "\"pre_tokenizer\":{\"type\":\"Whitespace\"}"));
        IllegalArgumentException tok = assertThrows(IllegalArgumentException.class, () -> Exporter.builder(dir)
                .format(Exporter.Format.GGUF).build().to(tmp.resolve("out2")));
        assertTrue(tok.getMessage().contains("tokenizer.json") && tok.getMessage().contains("pre_tokenizer"), tok.getMessage());
        assertFalse(Files.exists(tmp.resolve("out2")));
        assertThrows(IllegalArgumentException.class, () -> Exporter.builder(dir).format(Exporter.Format.HF).type("q4_k_m")
                .build().to(tmp.resolve("out3")));
        assertThrows(IllegalArgumentException.class, () -> Exporter.builder(dir).format(Exporter.Format.GGUF)
                .build().to(out), "an existing output is not replaced");
    }
}
