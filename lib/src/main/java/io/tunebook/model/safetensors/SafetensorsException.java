package io.tunebook.model.safetensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A safetensors file or model directory is malformed, inconsistent, or lacks a requested
 * tensor. The message always starts with the file (or directory) and names the tensor when one is
 * involved, e.g. {@code model.safetensors: tensor 'lm_head.weight': data_offsets [0, 400] out of
 * bounds (data section is 128 bytes)}.
 */
public class SafetensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String tensor;

    /** A problem with {@code file} as a whole. */
    public SafetensorsException(Path file, String detail) {
        this(file, null, detail, null);
    }

    /** A problem with one tensor of {@code file}; {@code tensor} may be null. */
    public SafetensorsException(Path file, String tensor, String detail) {
        this(file, tensor, detail, null);
    }

    /** A problem with one tensor of {@code file}, caused by {@code cause}; {@code tensor} may be null. */
    public SafetensorsException(Path file, String tensor, String detail, Throwable cause) {
        this(file, tensor, format(file, tensor, detail), cause, false);
    }

    // The unused flag only tells this constructor, which takes a finished message, from the public one.
    private SafetensorsException(Path file, String tensor, String message, Throwable cause, boolean unused) {
        super(message, cause);
        this.file = file;
        this.tensor = tensor;
    }

    /** For messages that already name {@code file} where a sentence reads better than a prefix. */
    static SafetensorsException worded(Path file, String message) {
        return new SafetensorsException(file, null, message, null, false);
    }

    /** The file or directory at fault. */
    public Path file() {
        return file;
    }

    /** The tensor at fault, if the problem concerns one. */
    public Optional<String> tensor() {
        return Optional.ofNullable(tensor);
    }

    private static String format(Path file, String tensor, String detail) {
        String where = tensor == null ? "" : "tensor " + Quote.of(tensor) + ": ";
        return file + ": " + where + detail;
    }
}
