package io.tunebook.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offsets past 2^31 and the per-buffer limits, on sparse files so no gigabytes are written. */
class LargeFileTest {
    private static final long BIG = (1L << 31) + 16; // U8 elements: just past what one buffer holds
    private static final long HALVES = 600_000_000L; // F16: 1.2 GB raw, 2.4 GB as float32

    @TempDir
    Path dir;

    @Test
    void tensorsBeyondTwoGigabytesAreAddressedAndOversizedReadsRefused() throws IOException {
        String json = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + BIG + "],\"data_offsets\":[0," + BIG + "]},"
                + "\"halves\":{\"dtype\":\"F16\",\"shape\":[" + HALVES + "],\"data_offsets\":[" + BIG + ","
                + (BIG + 2 * HALVES) + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + (BIG + 2 * HALVES) + ","
                + (BIG + 2 * HALVES + 8) + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + header.length;
        Path file = dir.resolve("large.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            raf.write(header);
            raf.seek(dataStart + BIG + 2 * HALVES);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array());
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new float[] {1.5f, -2f}, SafetensorsRoundTripTest.floats(f.readFloat32("tail")));
            assertEquals(BIG + 2 * HALVES, f.entry("tail").begin());

            SafetensorsException raw = assertThrows(SafetensorsException.class, () -> f.readRaw("big"));
            assertTrue(raw.getMessage().contains("tensor 'big': readRaw needs 2147483664 bytes, over the 2 GiB - 1 limit"),
                    raw.getMessage());
            SafetensorsException widened = assertThrows(SafetensorsException.class, () -> f.readFloat32("halves"));
            assertTrue(widened.getMessage().contains("tensor 'halves': readFloat32 needs 2400000000 bytes"),
                    widened.getMessage());
        }
    }
}
