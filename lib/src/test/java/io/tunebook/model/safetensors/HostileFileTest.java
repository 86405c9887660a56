package io.tunebook.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Truncated, inconsistent and malicious files: each must fail in {@link SafetensorsFile#open} with
 * a {@link SafetensorsException} naming the file, the tensor at fault, and the problem.
 */
class HostileFileTest {
    private static final String T = "model.layers.0.mlp.up_proj.weight";

    @TempDir
    Path dir;

    static Stream<Arguments> badHeaders() {
        return Stream.of(
                bad("offsets out of bounds", "{\"" + T + "\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}}", 128,
                        T, "data_offsets [0, 400] out of bounds (data section is 128 bytes"),
                bad("overlapping tensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                        + "\"" + T + "\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24,
                        T, "overlap tensor 'a' at [0, 16]"),
                bad("hole between tensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"" + T + "\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}", 24,
                        T, "hole: bytes [8, 16)"),
                bad("hole at the start", "{\"" + T + "\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}", 8,
                        T, "hole: bytes [0, 4)"),
                bad("trailing bytes", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 16,
                        null, "data section is 16 bytes but its tensors end at byte 8"),
                bad("unknown dtype", "{\"" + T + "\":{\"dtype\":\"Q9\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1,
                        T, "unknown dtype 'Q9' (known: F32, F16, BF16"),
                bad("shape and size disagree", "{\"" + T + "\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,8]}}", 8,
                        T, "shape [2, 2] of F32 needs 16 bytes but data_offsets [0, 8] span 8"),
                bad("shape overflows", "{\"" + T + "\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],"
                        + "\"data_offsets\":[0,8]}}", 8, T, "overflows a 64-bit byte count"),
                bad("byte count overflows only with the dtype", "{\"" + T + "\":{\"dtype\":\"F64\","
                        + "\"shape\":[2305843009213693952],\"data_offsets\":[0,8]}}", 8, T, "overflows"),
                bad("negative dimension", "{\"" + T + "\":{\"dtype\":\"F32\",\"shape\":[-1,4],\"data_offsets\":[0,8]}}", 8,
                        T, "shape[0] must be a non-negative integer below 2^63, found '-1'"),
                bad("fractional dimension", "{\"" + T + "\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4,
                        T, "found '1.5'"),
                bad("dimension past 2^63", "{\"" + T + "\":{\"dtype\":\"U8\",\"shape\":[18446744073709551615],"
                        + "\"data_offsets\":[0,4]}}", 4, T, "found '18446744073709551615'"),
                bad("dimension as a string", "{\"" + T + "\":{\"dtype\":\"F32\",\"shape\":[\"4\"],\"data_offsets\":[0,16]}}", 16,
                        T, "shape[0] must be a number, found a string"),
                bad("reversed offsets", "{\"" + T + "\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8,
                        T, "data_offsets [8, 0] end before they begin"),
                bad("three offsets", "{\"" + T + "\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]}}", 1,
                        T, "data_offsets must hold 2 numbers"),
                bad("missing dtype", "{\"" + T + "\":{\"shape\":[1],\"data_offsets\":[0,1]}}", 1, T, "missing field 'dtype'"),
                bad("repeated field", "{\"" + T + "\":{\"dtype\":\"U8\",\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1,
                        T, "field 'dtype' appears twice"),
                bad("repeated tensor", "{\"" + T + "\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                        + "\"" + T + "\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2, T, "appears twice"),
                bad("entry not an object", "{\"" + T + "\":[1,2]}", 0, T, "the entry must be an object, found an array"),
                bad("metadata value not a string", "{\"__metadata__\":{\"step\":1}}", 0, null,
                        "__metadata__ value of 'step' must be a string, found a number"),
                bad("deeply nested unknown field", "{\"" + T + "\":{\"x\":" + "[".repeat(100) + "]".repeat(100)
                        + ",\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1, T, "nests deeper than 64 levels"),
                bad("truncated JSON", "{\"" + T + "\":{\"dtype\":\"F32\",", 0, null, "header is not valid JSON"),
                bad("lenient JSON", "{'" + T + "':{dtype:F32,shape:[1],data_offsets:[0,4]}}", 4, null, "header is not valid JSON"),
                bad("comment in JSON", "{/* hi */}", 0, null, "header is not valid JSON"),
                bad("trailing content", "{} {}", 0, null, "header is not valid JSON"),
                bad("array header", "[]", 0, null, "the header must be an object, found an array"),
                bad("empty header", "", 0, null, "header is not valid JSON: End of input"));
    }

    private static Arguments bad(String label, String json, int dataBytes, String tensor, String expected) {
        return Arguments.of(label, json, dataBytes, tensor, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void badHeaderIsRejectedWithFileTensorAndReason(String label, String json, int dataBytes, String tensor,
            String expected) throws IOException {
        Path file = RawFiles.write(dir.resolve("model.safetensors"), json, dataBytes);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close());
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
        assertEquals(file, e.file());
        if (tensor != null) {
            assertTrue(message.contains("tensor '" + tensor + "'"), message);
            assertEquals(tensor, e.tensor().orElseThrow());
        }
    }

    @Test
    void theDocumentedExampleMessageIsExact() throws IOException {
        Path file = RawFiles.write(dir.resolve("model.safetensors"),
                "{\"" + T + "\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}}", 128);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file));
        assertEquals(file + ": tensor '" + T + "': data_offsets [0, 400] out of bounds (data section is 128 bytes;"
                + " is the file truncated?)", e.getMessage());
    }

    @Test
    void headerLengthPastTheEndOfTheFile() throws IOException {
        Path file = RawFiles.write(dir.resolve("short.safetensors"), 1000, "{}".getBytes(StandardCharsets.UTF_8), 0);
        assertRejected(file, "header length 1000 runs past the end of the file (10 bytes)");
    }

    @Test
    void hugeHeaderLengthsAreRejectedBeforeAnyAllocation() throws IOException {
        Path file = dir.resolve("huge.safetensors");
        RawFiles.write(file, 1L << 62, "{}".getBytes(StandardCharsets.UTF_8), 0);
        assertRejected(file, "header length 4611686018427387904 runs past the end");
        RawFiles.write(file, -1L, "{}".getBytes(StandardCharsets.UTF_8), 0); // u64 max: negative as a Java long
        assertRejected(file, "header length 18446744073709551615 runs past the end");
    }

    /** A header length within a (sparse) 150 MB file but past the cap must not size a buffer. */
    @Test
    void headerLengthWithinTheFileButOverTheCap() throws IOException {
        Path file = dir.resolve("sparse.safetensors");
        long length = 120_000_000L;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(150_000_000L);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array());
        }
        assertRejected(file, "header length 120000000 exceeds the limit of 100000000 bytes");
    }

    @Test
    void fileTooShortForTheLengthPrefix() throws IOException {
        Path file = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        assertRejected(file, "file is 3 bytes, too short for the 8-byte header length");
    }

    @Test
    void directoryInsteadOfAFile() {
        assertRejected(dir, "is a directory, not a safetensors file");
    }

    @Test
    void invalidUtf8InTheHeader() throws IOException {
        byte[] header = {'{', '"', (byte) 0xff, '"', ':', '1', '}'};
        Path file = RawFiles.write(dir.resolve("utf.safetensors"), header.length, header, 0);
        assertRejected(file, "the header is not valid UTF-8");
    }

    @Test
    void truncatedDataSectionNamesTheTensorCut() throws IOException {
        Path file = dir.resolve("cut.safetensors");
        new SafetensorsWriter().add("a", new long[] {4}, new float[4], Dtype.F32)
                .add("b", new long[] {4}, new float[4], Dtype.F32).write(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        SafetensorsException e = assertRejected(file, "data_offsets [16, 32] out of bounds (data section is 29 bytes;"
                + " is the file truncated?)");
        assertEquals("b", e.tensor().orElseThrow());
    }

    @Test
    void fileTruncatedAfterOpeningFailsOnReadNamingTheTensor() throws IOException {
        Path file = dir.resolve("shrinking.safetensors");
        new SafetensorsWriter().add("w", new long[] {1000}, new float[1000], Dtype.F32).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(f.dataStart() + 100);
            }
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.readRaw("w"));
            assertTrue(e.getMessage().contains("tensor 'w'") && e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void hostileNamesAreQuotedAndCutInMessages() throws IOException {
        String name = "\u001b[31m" + "x".repeat(10_000);
        Path file = RawFiles.write(dir.resolve("names.safetensors"),
                "{\"\\u001b[31m" + "x".repeat(10_000) + "\":{\"dtype\":\"Q9\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
        SafetensorsException e = assertRejected(file, "tensor '\\u001b[31mxxx");
        assertTrue(e.getMessage().length() < 600, "message length " + e.getMessage().length());
        assertTrue(e.getMessage().contains("(10005 chars)"), e.getMessage());
        assertEquals(name, e.tensor().orElseThrow(), "the full name stays available to code");
    }

    @Test
    void hugeShapesAreCutInMessages() throws IOException {
        String dims = "1,".repeat(1_000_000) + "3";
        Path file = RawFiles.write(dir.resolve("dims.safetensors"),
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[" + dims + "],\"data_offsets\":[0,1]}}", 1);
        SafetensorsException e = assertRejected(file, "shape [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, ...(1000001 dims)]"
                + " of U8 needs 3 bytes");
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }

    @Test
    void emptyHeaderWithNoTensorsIsValid() throws IOException {
        Path file = RawFiles.write(dir.resolve("empty.safetensors"), "{}      ", 0);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertTrue(f.entries().isEmpty());
        }
    }

    private static SafetensorsException assertRejected(Path file, String expected) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
        return e;
    }
}
