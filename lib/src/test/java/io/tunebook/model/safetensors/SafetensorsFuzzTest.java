package io.tunebook.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tunebook.Mutations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated safetensors headers (and their length prefix): opening and reading every tensor either works or
 * fails with an {@link IOException} (a {@link SafetensorsException} naming the file); never another
 * exception, never a hang or a huge allocation.
 */
class SafetensorsFuzzTest {
    @TempDir
    Path dir;

    @Test
    void mutatedHeadersFailCleanly() throws IOException {
        Path seedFile = dir.resolve("seed.safetensors");
        new SafetensorsWriter().metadata("format", "pt")
                .add("model.embed_tokens.weight", new long[] {4, 3}, new float[12], Dtype.F32)
                .add("model.norm.weight", new long[] {3}, new float[] {1, 2, 3}, Dtype.F16)
                .add("lm_head.weight", new long[] {2, 3}, new float[6], Dtype.BF16)
                .write(seedFile);
        byte[] seed = Files.readAllBytes(seedFile);
        int headerEnd = 8 + (int) ByteBuffer.wrap(seed, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Mutations m = new Mutations(20_12);
        int cases = Mutations.cases(400);
        int opened = 0;
        for (int i = 0; i < cases; i++) {
            byte[] header = m.mutate(Arrays.copyOfRange(seed, 8, headerEnd));
            ByteBuffer file = ByteBuffer.allocate(8 + header.length + seed.length - headerEnd)
                    .order(ByteOrder.LITTLE_ENDIAN);
            // Mostly the true length of the mutated header; sometimes the seed's, or a mutated prefix.
            long length = switch (i % 4) {
                case 0 -> headerEnd - 8;
                case 1 -> ByteBuffer.wrap(Arrays.copyOf(m.mutate(Arrays.copyOf(seed, 8)), 8)).order(ByteOrder.LITTLE_ENDIAN)
                        .getLong();
                default -> header.length;
            };
            file.putLong(length).put(header).put(seed, headerEnd, seed.length - headerEnd);
            Path f = dir.resolve("case.safetensors");
            Files.write(f, file.array());
            try (SafetensorsFile st = SafetensorsFile.open(f)) {
                for (TensorEntry e : st.entries()) {
                    st.readRaw(e.name());
                    if (e.dtype().isFloat32Convertible()) {
                        st.readFloat32(e.name());
                    }
                }
                opened++;
            } catch (IOException clean) {
                assertTrue(clean.getMessage() != null && !clean.getMessage().isBlank(), "case " + i + ": no message");
            } catch (RuntimeException | OutOfMemoryError e) {
                fail("case " + i + " (seed 2012): " + e + "\nheader: " + new String(header,
                        java.nio.charset.StandardCharsets.UTF_8), e);
            }
        }
        System.err.println("SafetensorsFuzzTest: " + cases + " cases, " + opened + " opened, the rest refused cleanly");
    }
}
