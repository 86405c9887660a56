package io.tunebook.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightFilesTest {
    private static final String INDEX = "model.safetensors.index.json";
    private static final String SHARD1 = "model-00001-of-00002.safetensors";
    private static final String SHARD2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path dir;

    @Test
    void singleFileCheckpoint() throws IOException {
        new SafetensorsWriter()
                .add("model.embed_tokens.weight", new long[] {2, 2}, new float[] {1, 2, 3, 4}, Dtype.BF16)
                .add("model.norm.weight", new long[] {2}, new float[] {1, 1}, Dtype.F32)
                .write(dir.resolve("model.safetensors"));
        try (WeightFiles r = WeightFiles.open(dir)) {
            assertEquals(List.of("model.norm.weight", "model.embed_tokens.weight"), List.copyOf(r.names()));
            assertArrayEquals(new float[] {1, 2, 3, 4},
                    SafetensorsRoundTripTest.floats(r.readFloat32("model.embed_tokens.weight")));
            assertEquals(dir.resolve("model.safetensors"), r.fileOf("model.norm.weight"));
            assertEquals(Dtype.BF16, r.entry("model.embed_tokens.weight").dtype());
            assertTrue(!r.contains("lm_head.weight"), "tied embeddings: no lm_head");
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> r.entry("lm_head.weight"));
            assertEquals(dir + ": tensor 'lm_head.weight': no such tensor in these weights (it has 2)", e.getMessage());
            assertThrows(SafetensorsException.class, () -> r.fileOf("lm_head.weight"));
            assertThrows(SafetensorsException.class, () -> r.readFloat32("lm_head.weight"));
        }
    }

    @Test
    void shardedCheckpointFollowsTheWeightMap() throws IOException {
        writeShards();
        writeIndex("{\"metadata\":{\"total_size\":24,\"nested\":{\"a\":[1,{}]}},\"weight_map\":{"
                + "\"model.layers.1.w\":\"" + SHARD2 + "\",\"model.layers.0.w\":\"" + SHARD1 + "\","
                + "\"lm_head.weight\":\"" + SHARD2 + "\"}}");
        WeightFiles closed;
        try (WeightFiles r = WeightFiles.open(dir)) {
            closed = r;
            assertEquals(List.of("model.layers.1.w", "model.layers.0.w", "lm_head.weight"), List.copyOf(r.names()));
            assertEquals(dir.resolve(SHARD1), r.fileOf("model.layers.0.w"));
            assertEquals(dir.resolve(SHARD2), r.fileOf("lm_head.weight"));
            assertArrayEquals(new float[] {5, 6}, SafetensorsRoundTripTest.floats(r.readFloat32("lm_head.weight")));
            assertArrayEquals(new float[] {1, 2}, SafetensorsRoundTripTest.floats(r.readFloat32("model.layers.0.w")));
            assertEquals(0, r.entry("lm_head.weight").begin() % 2);
        }
        assertThrows(ClosedChannelException.class, () -> closed.readRaw("lm_head.weight"), "every shard closed");
    }

    @Test
    void singleFileWinsOverAnIndexAsInTransformers() throws IOException {
        new SafetensorsWriter().add("only", new long[] {1}, new float[1], Dtype.F32).write(dir.resolve("model.safetensors"));
        writeIndex("{\"weight_map\":{\"x\":\"absent.safetensors\"}}");
        try (WeightFiles r = WeightFiles.open(dir)) {
            assertEquals(List.of("only"), List.copyOf(r.names()));
        }
    }

    @Test
    void missingShardNamesIndexTensorAndShard() throws IOException {
        writeShards();
        Files.delete(dir.resolve(SHARD2));
        writeIndex("{\"weight_map\":{\"model.layers.0.w\":\"" + SHARD1 + "\",\"lm_head.weight\":\"" + SHARD2 + "\"}}");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightFiles.open(dir));
        assertEquals(dir.resolve(INDEX) + ": tensor 'lm_head.weight': its shard '" + SHARD2 + "' does not exist in "
                + dir, e.getMessage());
    }

    @Test
    void tensorAbsentFromItsShardNamesIndexTensorAndShard() throws IOException {
        writeShards();
        writeIndex("{\"weight_map\":{\"model.layers.0.w\":\"" + SHARD2 + "\"}}");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightFiles.open(dir));
        assertEquals(dir.resolve(INDEX) + ": tensor 'model.layers.0.w': listed in shard '" + SHARD2
                + "', but that shard has no such tensor", e.getMessage());
    }

    @Test
    void brokenShardIsReportedByItsOwnName() throws IOException {
        writeShards();
        Files.write(dir.resolve(SHARD2), new byte[] {1, 2});
        writeIndex("{\"weight_map\":{\"lm_head.weight\":\"" + SHARD2 + "\"}}");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightFiles.open(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve(SHARD2) + ": file is 2 bytes"), e.getMessage());
    }

    @Test
    void indexCannotPointOutsideTheModelDirectory() throws IOException {
        writeShards();
        for (String shard : new String[] {"../" + SHARD1, "/etc/passwd", "sub/../../x", ".", ""}) {
            writeIndex("{\"weight_map\":{\"w\":\"" + shard + "\"}}");
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightFiles.open(dir));
            assertTrue(e.getMessage().contains("tensor 'w': shard '" + shard + "' is not a file name inside"),
                    e.getMessage());
        }
    }

    @Test
    void malformedIndexesAreRejectedNamingTheIndex() throws IOException {
        for (String[] c : new String[][] {
            {"{\"weight_map\":", "the index is not valid JSON"},
            {"{\"metadata\":{}}", "the index has no weight_map"},
            {"{\"weight_map\":{}}", "weight_map lists no tensors"},
            {"{\"weight_map\":[\"a\"]}", "weight_map must be an object, found an array"},
            {"{\"weight_map\":{\"w\":3}}", "weight_map value of 'w' must be a string, found a number"},
            {"{\"weight_map\":{\"w\":\"a\",\"w\":\"b\"}}", "weight_map has the key 'w' twice"},
        }) {
            writeIndex(c[0]);
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightFiles.open(dir));
            assertTrue(e.getMessage().startsWith(dir.resolve(INDEX) + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), () -> c[1] + " not in " + e.getMessage());
        }
    }

    @Test
    void pickleOnlyDirectoryIsRefusedWithAdviceToConvert() throws IOException {
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2}); // a pickle opcode: never read
        Files.writeString(dir.resolve("config.json"), "{}");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightFiles.open(dir));
        String m = e.getMessage();
        assertTrue(m.startsWith(dir + " holds only PyTorch pickle weights (pytorch_model.bin)"), m);
        assertTrue(m.contains("convert to safetensors"), m);
        assertTrue(m.contains("save_pretrained(dir, safe_serialization=True)"), m);
        assertEquals(dir, e.file());
    }

    @Test
    void shardedPicklesAndOtherSuffixesAreRecognised() throws IOException {
        Files.write(dir.resolve("pytorch_model-00001-of-00002.bin"), new byte[1]);
        Files.write(dir.resolve("consolidated.00.pth"), new byte[1]);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightFiles.open(dir));
        assertTrue(e.getMessage().contains("(consolidated.00.pth, pytorch_model-00001-of-00002.bin)"), e.getMessage());
    }

    @Test
    void directoryWithoutWeights() throws IOException {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightFiles.open(dir));
        assertEquals("no model.safetensors or model.safetensors.index.json in " + dir, e.getMessage());
    }

    @Test
    void adapterDirectoryGetsAHint() throws IOException {
        new SafetensorsWriter().write(dir.resolve("adapter_model.safetensors"));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightFiles.open(dir));
        assertTrue(e.getMessage().startsWith("no model.safetensors or model.safetensors.index.json in " + dir), e.getMessage());
        assertTrue(e.getMessage().contains("PEFT adapter"), e.getMessage());
    }

    @Test
    void notADirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), "{}");
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> WeightFiles.open(file));
        assertTrue(e.getMessage().startsWith(file + ": not a directory"), e.getMessage());
    }

    private void writeShards() throws IOException {
        new SafetensorsWriter().add("model.layers.0.w", new long[] {2}, new float[] {1, 2}, Dtype.F32)
                .write(dir.resolve(SHARD1));
        new SafetensorsWriter().add("model.layers.1.w", new long[] {2}, new float[] {3, 4}, Dtype.F32)
                .add("lm_head.weight", new long[] {2}, new float[] {5, 6}, Dtype.F16)
                .write(dir.resolve(SHARD2));
    }

    private void writeIndex(String json) throws IOException {
        Files.writeString(dir.resolve(INDEX), json);
    }
}
