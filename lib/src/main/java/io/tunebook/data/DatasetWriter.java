package io.tunebook.data;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Writes examples as rows of one format: JSONL, or a JSON array (one row a line) when the file
 * name ends in {@code .json}. Rows go to a temporary file beside the target, which replaces the
 * target on {@link #close()}; {@link #abort()} (or an I/O failure) discards it, so a failed write
 * never leaves half a file.
 */
public final class DatasetWriter implements AutoCloseable {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final Path target;
    private final Path temp;
    private final DatasetFormat format;
    private final boolean array;
    private final BufferedWriter out;
    private long count;
    private boolean failed;
    private boolean closed;

    private DatasetWriter(Path target, DatasetFormat format) throws IOException {
        this.target = target;
        this.format = format;
        this.array = target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        this.out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8);
        if (array) {
            out.write("[");
        }
    }

    public static DatasetWriter open(Path file, DatasetFormat format) {
        try {
            return new DatasetWriter(file, format);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public DatasetFormat format() {
        return format;
    }

    /**
     * Writes one example. An example the format cannot hold throws a {@link ConversionException}
     * and is not written; the writer stays usable.
     */
    public void write(Example example) {
        String row = GSON.toJson(format.toJson(example));
        try {
            if (array) {
                out.write(count == 0 ? "\n  " : ",\n  ");
                out.write(row);
            } else {
                out.write(row);
                out.write('\n');
            }
            count++;
        } catch (IOException e) {
            failed = true;
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Rows written so far. */
    public long count() {
        return count;
    }

    /** Discards what was written; the target is left as it was. Does nothing after {@link #close()}. */
    public void abort() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException ignored) {
            // the file is deleted anyway
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Finishes the file and moves it into place (unless a write failed: then it is discarded). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (failed) {
            abort();
            return;
        }
        closed = true;
        try {
            if (array) {
                out.write(count == 0 ? "]\n" : "\n]\n");
            }
            out.close();
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // reported below
            }
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
