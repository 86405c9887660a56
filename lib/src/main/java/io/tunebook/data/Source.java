package io.tunebook.data;

import java.nio.file.Path;

/**
 * Where an example came from: its file and 1-based line (for a JSON array, the line where the
 * element starts). Examples built in code have no file and their index as line.
 */
public record Source(Path file, long line) {
    /** The source of the {@code index}-th example built in code. */
    public static Source inMemory(long index) {
        return new Source(null, index);
    }

    public boolean isFile() {
        return file != null;
    }

    /** {@code file:line}, or {@code <memory>#index}. */
    @Override
    public String toString() {
        return file == null ? "<memory>#" + line : file + ":" + line;
    }
}
