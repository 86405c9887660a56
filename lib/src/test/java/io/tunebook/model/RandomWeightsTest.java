package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.model.safetensors.WeightFiles;
import io.tunebook.model.safetensors.Dtype;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomWeightsTest {
    private static final String CONFIG = """
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 64,
             "intermediate_size": 160, "num_hidden_layers": 3, "num_attention_heads": 4, "num_key_value_heads": 2,
             "vocab_size": 1000, "max_position_embeddings": 128, "rope_theta": 10000.0, "rms_norm_eps": 1e-6,
             "tie_word_embeddings": false, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32",
             "sliding_window": null}
            """;

    @TempDir
    Path tmp;

    private Path config() throws IOException {
        Path c = tmp.resolve("config-in.json");
        Files.writeString(c, CONFIG);
        return c;
    }

    private static byte[] bytes(Path dir) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".safetensors") || p.toString().endsWith(".json"))
                    .sorted().toList()) {
                all.write(f.getFileName().toString().getBytes());
                all.write(Files.readAllBytes(f));
            }
        }
        return all.toByteArray();
    }

    @Test
    void sameSeedSameBytesWhateverTheThreadsShardedAsHuggingFace() throws IOException {
        // Shards of at most 100 kB: the 128,000-byte embedding and lm_head exceed it and stand alone,
        // each layer (86,528 bytes) fills one; as huggingface_hub does, lm_head's shard comes before
        // the still-open shard of layer 2 and the final norm.
        RandomWeights ckpt = RandomWeights.of(config(), 42, 100_000);
        List<Path> files = ckpt.write(tmp.resolve("a"), 1);
        RandomWeights.of(config(), 42, 100_000).write(tmp.resolve("b"), 3);
        RandomWeights.of(config(), 43, 100_000).write(tmp.resolve("c"), 2);
        assertArrayEquals(bytes(tmp.resolve("a")), bytes(tmp.resolve("b")));
        assertNotEquals(new String(bytes(tmp.resolve("a"))), new String(bytes(tmp.resolve("c"))));

        Path a = tmp.resolve("a");
        assertEquals("model.safetensors.index.json", files.get(files.size() - 1).getFileName().toString());
        assertEquals("model-00001-of-00005.safetensors", files.get(0).getFileName().toString());
        JsonObject index = JsonParser.parseString(Files.readString(a.resolve("model.safetensors.index.json")))
                .getAsJsonObject();
        assertEquals(ckpt.weightBytes(), index.getAsJsonObject("metadata").get("total_size").getAsLong());
        JsonObject map = index.getAsJsonObject("weight_map");
        assertEquals("model-00001-of-00005.safetensors", map.get("model.embed_tokens.weight").getAsString());
        assertEquals("model-00004-of-00005.safetensors", map.get("lm_head.weight").getAsString());
        // State-dict order: layer 0's attention, MLP and norms precede layer 1's.
        assertEquals("model-00002-of-00005.safetensors", map.get("model.layers.0.post_attention_layernorm.weight")
                .getAsString());
        for (Path f : files) {
            assertTrue(Files.size(f) < 140_000, f + " is " + Files.size(f) + " bytes");
        }

        JsonObject written = JsonParser.parseString(Files.readString(a.resolve("config.json"))).getAsJsonObject();
        assertEquals("bfloat16", written.get("torch_dtype").getAsString());
        assertTrue(written.get("sliding_window").isJsonNull(), "config.json keeps the published values, nulls too");
        assertEquals(2, JsonParser.parseString(Files.readString(a.resolve("generation_config.json")))
                .getAsJsonObject().get("eos_token_id").getAsInt());

        try (WeightFiles r = WeightFiles.open(a)) {
            assertEquals(ParameterLayout.of(ckpt.config()).keySet(), new java.util.TreeSet<>(r.names())
                    .stream().collect(java.util.stream.Collectors.toSet()));
            assertEquals(Dtype.BF16, r.entry("model.layers.2.self_attn.q_proj.bias").dtype());
            float[] norm = floats(r.readFloat32("model.layers.1.input_layernorm.weight"));
            for (float v : norm) {
                assertEquals(1f, v);
            }
            float[] w = floats(r.readFloat32("model.layers.1.mlp.down_proj.weight"));
            double sum = 0;
            double sq = 0;
            for (float v : w) {
                sum += v;
                sq += v * v;
            }
            double mean = sum / w.length;
            double std = Math.sqrt(sq / w.length - mean * mean);
            assertEquals(0, mean, 0.001);
            assertEquals(0.02, std, 0.0005);
        }
    }

    @Test
    void aCompleteCheckpointIsRecognisedAndAnIncompleteOneIsNot() throws IOException {
        RandomWeights ckpt = RandomWeights.of(config(), 7);
        Path dir = tmp.resolve("m");
        assertFalse(ckpt.matches(dir));
        List<Path> files = ckpt.write(dir, 2);
        assertEquals(List.of(dir.resolve("model.safetensors")), files, "under 5 GB: one file, no index");
        assertTrue(ckpt.matches(dir));
        assertFalse(RandomWeights.of(config(), 8).matches(dir), "another seed");
        Files.delete(dir.resolve("model.safetensors"));
        assertFalse(ckpt.matches(dir));
    }

    @Test
    void theCheckpointLoads() throws IOException {
        Path dir = tmp.resolve("m");
        RandomWeights.of(config(), 1).write(dir, 2);
        try (CausalLM model = CausalLM.load(dir)) {
            assertEquals(3, model.config().numHiddenLayers());
            assertTrue(Float.isFinite(model.tokenLogProbs(new long[] {1, 5, 9})[0]));
        }
    }

    @Test
    void aBadConfigNamesTheFile() throws IOException {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"model_type\": \"llama\"");
        ModelException e = org.junit.jupiter.api.Assertions.assertThrows(ModelException.class,
                () -> RandomWeights.of(bad, 1));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    }

    private static float[] floats(ByteBuffer b) {
        float[] out = new float[b.remaining() / 4];
        b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
