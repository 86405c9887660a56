package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.tunebook.model.safetensors.WeightFiles;
import io.tunebook.model.safetensors.ChunkBuffers;
import io.tunebook.model.safetensors.Half;
import io.tunebook.model.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tensors are streamed from the file into their arrays: no size limit, clear errors. */
class StreamingLoadTest {
    // 32,769 rows of 32,768 float16 values: 2,147,549,184 bytes, past the 2^31 - 1 of any Java buffer.
    private static final long ROWS = 32_769;
    private static final long COLS = 32_768;
    private static final long NUMEL = ROWS * COLS;
    private static final long BOUNDARY = 1L << 30; // the element that starts at byte 2^31

    @TempDir
    Path tmp;

    /**
     * A float16 tensor over 2 GiB, in a sparse file (only the header and a few values are written),
     * is assembled chunk by chunk into one array and reads back exactly: values at the start, on
     * both sides of byte 2^31, in the middle (zeros) and at the end. The chunk size is not a power
     * of two, so one chunk straddles the 2 GiB boundary. About 2.1 GB of native memory.
     */
    @Test
    void tensorOverTwoGigabytesIsAssembledChunkByChunk() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("big"));
        Path file = dir.resolve("model.safetensors");
        String json = "{\"w\":{\"dtype\":\"F16\",\"shape\":[" + ROWS + "," + COLS + "],\"data_offsets\":[0,"
                + 2 * NUMEL + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + header.length;
        long[] at = {0, 1, 2, BOUNDARY - 2, BOUNDARY - 1, BOUNDARY, BOUNDARY + 1, NUMEL - 2, NUMEL - 1};
        float[] values = {1.5f, -2f, 0.125f, 3f, -65504f, 6.1035156e-5f, -0.333251953125f, 1024f, -7.5f};
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            raf.write(header);
            raf.setLength(dataStart + 2 * NUMEL);
            for (int i = 0; i < at.length; i++) {
                raf.seek(dataStart + 2 * at[i]);
                raf.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
                        .putShort(Half.floatToF16(values[i])).array());
            }
        }
        try (WeightFiles checkpoint = WeightFiles.open(dir);
                NDManager m = NDManager.newBaseManager(Engine.getInstance().defaultDevice())) {
            WeightReader reader = new WeightReader(checkpoint, new ChunkBuffers((24 << 20) + 6));
            NDArray w = reader.read("w", DataType.FLOAT16, m);
            assertArrayEquals(new long[] {ROWS, COLS}, w.getShape().getShape());
            assertEquals(DataType.FLOAT16, w.getDataType());
            NDArray flat = w.reshape(-1);
            for (int i = 0; i < at.length; i++) {
                assertEquals(values[i], element(flat, at[i]), "element " + at[i]);
            }
            assertEquals(0f, element(flat, 3));
            assertEquals(0f, element(flat, NUMEL / 2 + 12_345));
            assertEquals(0f, element(flat, BOUNDARY + 2));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static float element(NDArray flat, long i) {
        try (NDManager s = flat.getManager().newSubManager()) {
            NDArray one = flat.get(new NDIndex().addSliceDim(i, i + 1));
            one.attach(s);
            NDArray wide = one.toType(DataType.FLOAT32, false);
            wide.attach(s);
            return wide.toFloatArray()[0];
        }
    }

    @Test
    void shardedCheckpointWithAMissingShardNamesTheShard() throws IOException {
        Path dir = copy("llama-sharded");
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        ModelException e = assertThrows(ModelException.class,
                () -> CausalLM.load(dir, LoadOptions.builder().dtype("float16").build()));
        assertTrue(e.getMessage().contains("its shard 'model-00002-of-00002.safetensors' does not exist"),
                e.getMessage());
    }

    /**
     * bfloat16 reaches past float16's 65504: such a weight cannot be held in 16 bits here, and the
     * load says which file, tensor and element, and what to do; float32 loads the same file.
     */
    @Test
    void bfloat16WeightBeyondFloat16RangeIsRefusedByName() throws IOException {
        Path dir = copy("llama3");
        Path file = dir.resolve("model.safetensors");
        String tensor = "model.layers.1.mlp.up_proj.weight";
        long position;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            position = f.dataStart() + f.entry(tensor).begin() + 2 * 5;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            raf.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(Half.floatToBf16(70_000f)).array());
        }
        ModelException e = assertThrows(ModelException.class,
                () -> CausalLM.load(dir, LoadOptions.builder().dtype("bfloat16").build()));
        assertTrue(e.getMessage().contains(file + ": tensor '" + tensor + "': BF16 value 70144.0 at element 5 is "
                + "beyond float16's range (±65504); load this model with dtype float32"), e.getMessage());
        try (CausalLM model = CausalLM.load(dir, LoadOptions.builder().dtype("float32").build())) {
            assertEquals(DataType.FLOAT32, model.dtype());
        }
    }

    private Path copy(String fixture) throws IOException {
        Path target = Files.createDirectories(tmp.resolve(fixture));
        try (Stream<Path> files = Files.list(Fixtures.dir(fixture))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, target.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }
}
