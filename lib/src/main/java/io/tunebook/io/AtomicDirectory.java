package io.tunebook.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Replaces a directory all at once, the way {@link AtomicFile} replaces a file: the content is
 * written into a hidden staging directory beside the target, then renamed into place. An
 * interrupted write (a crash, a full disk, an exception) leaves the previous directory as it was,
 * so a half-written model or training checkpoint never replaces a good one.
 */
public final class AtomicDirectory {
    /** Fills a fresh, empty staging directory. */
    @FunctionalInterface
    public interface Content {
        void writeInto(Path staging) throws IOException;
    }

    private AtomicDirectory() {}

    public static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        String name = absolute.getFileName().toString();
        String tag = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        Path staging = parent.resolve("." + name + "." + tag + ".saving");
        Path old = parent.resolve("." + name + "." + tag + ".old");
        Files.createDirectories(parent);
        try {
            Files.createDirectory(staging);
            content.writeInto(staging);
            if (Files.exists(absolute)) {
                // Two renames, not one: a directory cannot be renamed over a non-empty one.
                Files.move(absolute, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (Throwable t) {
            try {
                deleteRecursively(staging);
            } catch (IOException cleaning) {
                t.addSuppressed(cleaning);
            }
            throw t;
        }
        deleteRecursively(old);
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
