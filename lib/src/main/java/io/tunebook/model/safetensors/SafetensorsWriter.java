package io.tunebook.model.safetensors;

import com.google.gson.stream.JsonWriter;
import io.tunebook.io.AtomicFile;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collects tensors and writes them as one safetensors file, atomically (see {@link AtomicFile}).
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *     .metadata("format", "pt")
 *     .add("lm_head.weight", new long[] {vocab, hidden}, weights, Dtype.BF16)
 *     .write(dir.resolve("model.safetensors"));
 * }</pre>
 *
 * <p>The file matches Hugging Face's writer: compact JSON header padded with spaces to a multiple
 * of 8 bytes, and tensors ordered by decreasing element size (then in the order added), so every
 * tensor starts at an offset aligned to its element size. {@link SafetensorsFile#entries()} of the
 * written file lists them in that order.
 */
public final class SafetensorsWriter {
    private static final int ALIGNMENT = 8;

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Pending> tensors = new LinkedHashMap<>();

    private record Pending(String name, Dtype dtype, long[] shape, long byteSize, TensorSource source) {}

    /** Adds a {@code "__metadata__"} string, e.g. {@code ("format", "pt")}; a repeated key replaces. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Adds a tensor from raw little-endian bytes: the buffer's remaining bytes, which must number
     * exactly {@code numel * dtype.byteSize()}. The bytes are not copied: leave them unchanged until
     * {@link #write} returns.
     *
     * @throws IllegalArgumentException if the name is taken or reserved, a dimension is negative, or
     *     the buffer holds a different number of bytes
     */
    public SafetensorsWriter add(String name, Dtype dtype, long[] shape, ByteBuffer littleEndianData) {
        ByteBuffer data = littleEndianData.duplicate(); // our own position: write() may run more than once
        long expected = byteCount(name, dtype, shape);
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("tensor " + Quote.of(name) + ": shape " + Quote.shape(shape)
                    + " of " + dtype + " needs " + expected + " bytes but the buffer holds " + data.remaining());
        }
        return put(name, dtype, shape, expected, out -> out.write(data.duplicate()));
    }

    /**
     * Adds a tensor from float values, stored as {@code target}: F32 bit-exactly, F16 and BF16
     * rounded to nearest even, F64 widened exactly.
     *
     * @throws IllegalArgumentException if {@code target} is not a float type, the name is taken or
     *     reserved, or {@code data.length} differs from the shape's element count
     */
    public SafetensorsWriter add(String name, long[] shape, float[] data, Dtype target) {
        if (!target.isFloat32Convertible()) {
            throw new IllegalArgumentException("tensor " + Quote.of(name) + ": cannot store floats as " + target
                    + " (F32, F16, BF16 or F64 only)");
        }
        long expected = byteCount(name, target, shape);
        if ((long) data.length * target.byteSize() != expected) {
            throw new IllegalArgumentException("tensor " + Quote.of(name) + ": shape " + Quote.shape(shape)
                    + " has " + expected / target.byteSize() + " elements but " + data.length + " floats were given");
        }
        return add(name, target, shape, FloatEncoder.encode(data, target));
    }

    /**
     * Adds a tensor whose bytes {@code source} produces during {@link #write}; it must produce
     * exactly {@code numel * dtype.byteSize()} bytes, each time {@code write} is called.
     *
     * @throws IllegalArgumentException if the name is taken or reserved or a dimension is negative
     */
    public SafetensorsWriter add(String name, Dtype dtype, long[] shape, TensorSource source) {
        return put(name, dtype, shape, byteCount(name, dtype, shape), Objects.requireNonNull(source, "source"));
    }

    private SafetensorsWriter put(String name, Dtype dtype, long[] shape, long byteSize, TensorSource source) {
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor " + Quote.of(name) + " was already added");
        }
        tensors.put(name, new Pending(name, dtype, shape.clone(), byteSize, source));
        return this;
    }

    private static long byteCount(String name, Dtype dtype, long[] shape) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        if (name.equals(HeaderParser.METADATA_KEY)) {
            throw new IllegalArgumentException("'" + name + "' is reserved for the header's metadata");
        }
        try {
            return TensorEntry.byteCount(dtype, shape);
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor " + Quote.of(name) + ": invalid shape "
                    + Quote.shape(shape) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes every tensor added so far to {@code file}, replacing it atomically: on any failure the
     * previous file is left as it was and no temporary file remains. May be called again.
     *
     * @throws IllegalArgumentException if a {@link TensorSource} writes the wrong number of bytes
     * @throws IllegalStateException if the header would exceed {@link SafetensorsFile#MAX_HEADER_BYTES}
     */
    public void write(Path file) throws IOException {
        List<Pending> ordered = new ArrayList<>(tensors.values());
        // Stable sort: widest elements first keeps every offset aligned, ties stay in insertion order.
        ordered.sort(Comparator.comparingInt((Pending p) -> p.dtype().byteSize()).reversed());
        byte[] header = header(ordered);
        AtomicFile.write(file, out -> {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            writeFully(out, prefix);
            writeFully(out, ByteBuffer.wrap(header));
            for (Pending p : ordered) {
                BoundedChannel bounded = new BoundedChannel(out, p);
                p.source().writeTo(bounded);
                if (bounded.written() != p.byteSize()) {
                    throw new IllegalArgumentException("tensor " + Quote.of(p.name()) + ": its source wrote "
                            + bounded.written() + " bytes but shape " + Quote.shape(p.shape()) + " of "
                            + p.dtype() + " needs " + p.byteSize());
                }
            }
        });
    }

    private byte[] header(List<Pending> ordered) {
        StringWriter text = new StringWriter();
        try (JsonWriter json = new JsonWriter(text)) {
            json.beginObject();
            if (!metadata.isEmpty()) {
                json.name(HeaderParser.METADATA_KEY).beginObject();
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    json.name(m.getKey()).value(m.getValue());
                }
                json.endObject();
            }
            long offset = 0;
            for (Pending p : ordered) {
                json.name(p.name()).beginObject();
                json.name("dtype").value(p.dtype().safetensorsName());
                json.name("shape").beginArray();
                for (long d : p.shape()) {
                    json.value(d);
                }
                json.endArray();
                json.name("data_offsets").beginArray().value(offset).value(offset + p.byteSize()).endArray();
                json.endObject();
                offset = Math.addExact(offset, p.byteSize());
            }
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (utf8.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        if (padded > SafetensorsFile.MAX_HEADER_BYTES) {
            throw new IllegalStateException("the header would be " + padded + " bytes, over the "
                    + SafetensorsFile.MAX_HEADER_BYTES + "-byte limit readers accept");
        }
        byte[] header = Arrays.copyOf(utf8, padded);
        Arrays.fill(header, utf8.length, padded, (byte) ' ');
        return header;
    }

    private static void writeFully(FileChannel out, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            out.write(src);
        }
    }

    /** Passes writes through to the file, counting them and refusing any past the declared size. */
    private static final class BoundedChannel implements WritableByteChannel {
        private final FileChannel out;
        private final Pending tensor;
        private long written;

        BoundedChannel(FileChannel out, Pending tensor) {
            this.out = out;
            this.tensor = tensor;
        }

        long written() {
            return written;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (written + n > tensor.byteSize()) {
                throw new IllegalArgumentException("tensor " + Quote.of(tensor.name()) + ": its source wrote more than the "
                        + tensor.byteSize() + " bytes its shape needs");
            }
            writeFully(out, src);
            written += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() {
            // The file belongs to the writer, which closes it after the last tensor.
        }
    }
}
