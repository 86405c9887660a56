package io.tunebook.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SafetensorsFile#readChunks}: any run of a tensor, in order, through small reused buffers. */
class ChunkedReadTest {
    @TempDir
    Path dir;

    @Test
    void aRunOfATensorStreamsInOrderAsStoredOrConverted() throws IOException {
        float[] values = new float[37];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i - 18) * 0.375f;
        }
        Path file = dir.resolve("m.safetensors");
        new SafetensorsWriter().add("w", new long[] {37}, values, Dtype.BF16).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            ChunkBuffers buffers = new ChunkBuffers(10); // 5 bf16 values a read
            float[] run = new float[23];
            List<Long> starts = new ArrayList<>();
            f.readChunks("w", Dtype.F32, 7, 23, buffers, (chunk, first, count) -> {
                starts.add(first);
                chunk.asFloatBuffer().get(run, (int) (first - 7), count);
            });
            assertArrayEquals(Arrays.copyOfRange(values, 7, 30), run);
            assertEquals(List.of(7L, 12L, 17L, 22L, 27L), starts);

            short[] halves = new short[37];
            f.readChunks("w", Dtype.F16, 0, 37, buffers, (chunk, first, count) -> chunk.asShortBuffer()
                    .get(halves, (int) first, count));
            short[] raw = new short[37];
            f.readChunks("w", Dtype.BF16, 0, 37, buffers, (chunk, first, count) -> chunk.asShortBuffer()
                    .get(raw, (int) first, count));
            for (int i = 0; i < 37; i++) {
                assertEquals(values[i], Half.f16ToFloat(halves[i])); // multiples of 0.375 fit both exactly
                assertEquals(values[i], Half.bf16ToFloat(raw[i]));
            }

            SafetensorsException outside = assertThrows(SafetensorsException.class,
                    () -> f.readChunks("w", Dtype.F32, 30, 8, buffers, (c, first, count) -> { }));
            assertTrue(outside.getMessage().contains("tensor 'w': elements [30, 38) are outside the tensor's 37"),
                    outside.getMessage());
            SafetensorsException notOffered = assertThrows(SafetensorsException.class,
                    () -> f.readChunks("w", Dtype.I32, 0, 1, buffers, (c, first, count) -> { }));
            assertTrue(notOffered.getMessage().contains("dtype BF16 cannot be read as I32"), notOffered.getMessage());
        }
    }
}
