package io.tunebook.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file all at once: the content goes to a hidden temporary file in the same directory,
 * is forced to disk, then renamed over the target. Readers and crashes see the old file or the
 * complete new one, never a half-written one, and a failure leaves no temporary file behind.
 */
public final class AtomicFile {
    /** Writes a file's content to a channel. */
    @FunctionalInterface
    public interface Content {
        /** Writes the whole new content; the channel is forced and closed afterwards by the caller. */
        void writeTo(FileChannel out) throws IOException;
    }

    private AtomicFile() {}

    /**
     * Writes {@code content} to {@code target}, replacing any file there atomically. The parent
     * directory must exist. If {@code content} throws (or the thread is interrupted), the previous
     * file is untouched and the exception propagates.
     */
    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null) {
            throw new IllegalArgumentException("cannot replace the root directory " + target);
        }
        Path temp = dir.resolve(tempName(absolute.getFileName().toString()));
        try {
            // Not Files.createTempFile: its owner-only permissions would stick to the final file.
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(out);
                out.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException deleting) {
                t.addSuppressed(deleting);
            }
            throw t;
        }
        syncDirectory(dir);
    }

    /** Writes {@code bytes} to {@code target} as {@link #write(Path, Content)} does. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        });
    }

    private static String tempName(String name) {
        String stem = name.length() > 100 ? name.substring(0, 100) : name; // stay under NAME_MAX
        return "." + stem + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp";
    }

    /** Makes the rename itself durable; best effort, since not every platform can open a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException unsupported) {
            // The file content is already on disk; only the rename might be lost on power failure.
        }
    }
}
