package io.tunebook.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
    @TempDir
    Path dir;

    private Path target;
    private byte[] previous;

    @BeforeEach
    void writePreviousVersion() throws IOException {
        target = dir.resolve("adapter_model.safetensors");
        new SafetensorsWriter().add("old", new long[] {2}, new float[] {1, 2}, Dtype.F32).write(target);
        previous = Files.readAllBytes(target);
    }

    @Test
    void bufferShorterThanDeclaredIsRefusedBeforeAnythingIsWritten() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SafetensorsWriter()
                .add("w", Dtype.F32, new long[] {4}, ByteBuffer.allocate(12)));
        assertEquals("tensor 'w': shape [4] of F32 needs 16 bytes but the buffer holds 12", e.getMessage());
        assertPreviousFileIntactAndNoTempFile();
    }

    @Test
    void sourceWritingTooFewBytesFailsTheWriteAndKeepsThePreviousFile() {
        SafetensorsWriter w = new SafetensorsWriter()
                .add("a", new long[] {1000}, new float[1000], Dtype.F32)
                .add("short", Dtype.F32, new long[] {4}, out -> out.write(ByteBuffer.allocate(12)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.write(target));
        assertEquals("tensor 'short': its source wrote 12 bytes but shape [4] of F32 needs 16", e.getMessage());
        assertPreviousFileIntactAndNoTempFile();
    }

    @Test
    void sourceWritingTooManyBytesFailsAtOnce() {
        SafetensorsWriter w = new SafetensorsWriter()
                .add("long", Dtype.U8, new long[] {4}, out -> out.write(ByteBuffer.allocate(5)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.write(target));
        assertTrue(e.getMessage().contains("tensor 'long': its source wrote more than the 4 bytes"), e.getMessage());
        assertPreviousFileIntactAndNoTempFile();
    }

    @Test
    void sourceFailingMidwayKeepsThePreviousFile() {
        SafetensorsWriter w = new SafetensorsWriter().add("w", Dtype.U8, new long[] {1 << 20}, out -> {
            out.write(ByteBuffer.allocate(1 << 19));
            throw new IOException("disk full");
        });
        IOException e = assertThrows(IOException.class, () -> w.write(target));
        assertEquals("disk full", e.getMessage());
        assertPreviousFileIntactAndNoTempFile();
    }

    /** A notebook interrupt closes the channel mid-write: the previous file must survive it. */
    @Test
    void interruptedWriteKeepsThePreviousFile() {
        SafetensorsWriter w = new SafetensorsWriter().add("w", Dtype.U8, new long[] {8}, out -> {
            Thread.currentThread().interrupt();
            out.write(ByteBuffer.allocate(8));
        });
        try {
            assertThrows(ClosedByInterruptException.class, () -> w.write(target));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays visible to the caller");
        } finally {
            Thread.interrupted();
        }
        assertPreviousFileIntactAndNoTempFile();
    }

    @Test
    void successfulWriteReplacesTheFileAndLeavesNothingElse() throws IOException {
        new SafetensorsWriter().add("new", new long[] {1}, new float[] {3}, Dtype.BF16).write(target);
        try (SafetensorsFile f = SafetensorsFile.open(target)) {
            assertEquals(List.of("new"), f.entries().stream().map(TensorEntry::name).toList());
        }
        assertEquals(List.of(target.getFileName().toString()), listDir());
    }

    @Test
    void streamedSourcesAreWrittenInPieces() throws IOException {
        Path file = dir.resolve("streamed.safetensors");
        new SafetensorsWriter().add("w", Dtype.U8, new long[] {2, 3}, out -> {
            out.write(ByteBuffer.wrap(new byte[] {1, 2}));
            out.write(ByteBuffer.wrap(new byte[] {3, 4, 5, 6}));
        }).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            ByteBuffer raw = f.readRaw("w");
            byte[] bytes = new byte[raw.remaining()];
            raw.get(bytes);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, bytes);
        }
    }

    @Test
    void writingTwiceGivesIdenticalFiles() throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt")
                .add("a", Dtype.I32, new long[] {2}, ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 2, 0, 0, 0}));
        Path one = dir.resolve("one.safetensors");
        Path two = dir.resolve("two.safetensors");
        w.write(one);
        w.write(two);
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
    }

    /** A temporary file from createTempFile would be owner-only, and the rename would keep that. */
    @Test
    void writtenFilesGetOrdinaryPermissions() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target));
    }

    @Test
    void missingDirectoryFailsWithoutLeftovers() {
        Path nowhere = dir.resolve("missing").resolve("model.safetensors");
        assertThrows(NoSuchFileException.class, () -> new SafetensorsWriter().write(nowhere));
        assertPreviousFileIntactAndNoTempFile();
    }

    @Test
    void invalidAdditionsAreRefused() {
        SafetensorsWriter w = new SafetensorsWriter().add("a", new long[] {1}, new float[1], Dtype.F32);
        assertMessage("tensor 'a' was already added",
                () -> w.add("a", new long[] {1}, new float[1], Dtype.F32));
        assertMessage("'__metadata__' is reserved for the header's metadata",
                () -> w.add("__metadata__", new long[] {1}, new float[1], Dtype.F32));
        assertMessage("tensor 'n': invalid shape [-1]",
                () -> w.add("n", new long[] {-1}, new float[1], Dtype.F32));
        assertMessage("tensor 'big': invalid shape [4611686018427387904, 4]",
                () -> w.add("big", Dtype.U8, new long[] {1L << 62, 4}, out -> { }));
        assertMessage("tensor 'c': shape [2, 2] has 4 elements but 3 floats were given",
                () -> w.add("c", new long[] {2, 2}, new float[3], Dtype.BF16));
        assertMessage("tensor 'i': cannot store floats as I32",
                () -> w.add("i", new long[] {1}, new float[1], Dtype.I32));
    }

    private static void assertMessage(String expected, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    private void assertPreviousFileIntactAndNoTempFile() {
        try {
            assertArrayEquals(previous, Files.readAllBytes(target));
            assertEquals(List.of(target.getFileName().toString()), listDir());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private List<String> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
