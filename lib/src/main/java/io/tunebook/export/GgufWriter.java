package io.tunebook.export;

import io.tunebook.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes a GGUF file, version 3, little-endian, as the GGUF specification lays it out: the magic
 * {@code GGUF}, the version, the tensor and key-value counts, the typed key-values, the tensor infos
 * (name, dimensions innermost first, ggml type, offset), then the tensor data, each tensor starting
 * at a multiple of {@code general.alignment} (32) from the start of the data section. Tensors are
 * encoded one at a time while the file is written, from float values their supplier gives, so a
 * model is never held twice. The file is replaced atomically.
 */
public final class GgufWriter {
    /** The GGUF default alignment; written files do not override it. */
    public static final int ALIGNMENT = 32;
    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    private static final int VERSION = 3;

    /** GGUF metadata value types. */
    enum ValueType {
        UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64
    }

    private record Value(ValueType type, ValueType elementType, Object value) {}

    private record Tensor(String name, long[] dims, GgmlType type, Supplier<float[]> values) {
        long bytes() {
            return type.bytes(Arrays.stream(dims).reduce(1, Math::multiplyExact));
        }
    }

    private final Map<String, Value> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    public GgufWriter putString(String key, String value) {
        return put(key, new Value(ValueType.STRING, null, Objects.requireNonNull(value, key)));
    }

    public GgufWriter putUint32(String key, long value) {
        if (value < 0 || value > 0xffffffffL) {
            throw new IllegalArgumentException(key + ": " + value + " does not fit a uint32");
        }
        return put(key, new Value(ValueType.UINT32, null, value));
    }

    public GgufWriter putInt32(String key, int value) {
        return put(key, new Value(ValueType.INT32, null, value));
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, new Value(ValueType.FLOAT32, null, value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, new Value(ValueType.BOOL, null, value));
    }

    public GgufWriter putStrings(String key, List<String> values) {
        return put(key, new Value(ValueType.ARRAY, ValueType.STRING, List.copyOf(values)));
    }

    public GgufWriter putInt32s(String key, int[] values) {
        return put(key, new Value(ValueType.ARRAY, ValueType.INT32, values.clone()));
    }

    public GgufWriter putFloat32s(String key, float[] values) {
        return put(key, new Value(ValueType.ARRAY, ValueType.FLOAT32, values.clone()));
    }

    private GgufWriter put(String key, Value v) {
        if (metadata.containsKey(key)) {
            throw new IllegalArgumentException("GGUF key '" + key + "' was already set");
        }
        metadata.put(key, v);
        return this;
    }

    /** The metadata keys set so far, in order. */
    public List<String> keys() {
        return List.copyOf(metadata.keySet());
    }

    /**
     * Adds a tensor. {@code shape} is PyTorch's (outermost first, e.g. {@code [out, in]} for a
     * linear weight); GGUF stores it reversed. The supplier gives the row-major float values when
     * the file is written; each row (the innermost dimension) must be a whole number of the type's blocks.
     */
    public GgufWriter addTensor(String name, long[] shape, GgmlType type, Supplier<float[]> values) {
        if (tensors.stream().anyMatch(t -> t.name().equals(name))) {
            throw new IllegalArgumentException("GGUF tensor '" + name + "' was already added");
        }
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[shape.length - 1 - i];
        }
        if (!type.fits(dims[0])) {
            throw new IllegalArgumentException("tensor '" + name + "': rows of " + dims[0] + " weights cannot be stored as "
                    + type + " (blocks of " + type.blockSize() + ")");
        }
        tensors.add(new Tensor(name, dims, type, values));
        return this;
    }

    /** Writes the file, replacing {@code file} atomically. */
    public void write(Path file) throws IOException {
        AtomicFile.write(file, out -> {
            Buffered buf = new Buffered(out);
            buf.u32(MAGIC).u32(VERSION).u64(tensors.size()).u64(metadata.size());
            for (Map.Entry<String, Value> e : metadata.entrySet()) {
                buf.string(e.getKey());
                writeValue(buf, e.getValue());
            }
            long offset = 0;
            for (Tensor t : tensors) {
                buf.string(t.name()).u32(t.dims().length);
                for (long d : t.dims()) {
                    buf.u64(d);
                }
                buf.u32(t.type().id()).u64(offset);
                offset = align(offset + t.bytes());
            }
            buf.pad();
            for (Tensor t : tensors) {
                float[] values = t.values().get();
                long count = Arrays.stream(t.dims()).reduce(1, Math::multiplyExact);
                if (values.length != count) {
                    throw new IllegalStateException("tensor '" + t.name() + "': " + values.length
                            + " values for dimensions " + Arrays.toString(t.dims()));
                }
                int row = Math.toIntExact(t.dims()[0]);
                for (int r = 0; r < values.length; r += row) {
                    buf.room(Math.toIntExact(t.type().bytes(row)));
                    t.type().encode(values, r, row, buf.buffer);
                }
                buf.pad();
            }
            buf.flush();
        });
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void writeValue(Buffered buf, Value v) throws IOException {
        buf.u32(v.type().ordinal());
        switch (v.type()) {
            case STRING -> buf.string((String) v.value());
            case UINT32 -> buf.u32((int) (long) (Long) v.value());
            case INT32 -> buf.u32((Integer) v.value());
            case FLOAT32 -> buf.room(4).buffer.putFloat((Float) v.value());
            case BOOL -> buf.room(1).buffer.put((byte) ((Boolean) v.value() ? 1 : 0));
            case ARRAY -> {
                buf.u32(v.elementType().ordinal());
                switch (v.elementType()) {
                    case STRING -> {
                        @SuppressWarnings("unchecked")
                        List<String> list = (List<String>) v.value();
                        buf.u64(list.size());
                        for (String s : list) {
                            buf.string(s);
                        }
                    }
                    case INT32 -> {
                        int[] a = (int[]) v.value();
                        buf.u64(a.length);
                        for (int x : a) {
                            buf.u32(x);
                        }
                    }
                    case FLOAT32 -> {
                        float[] a = (float[]) v.value();
                        buf.u64(a.length);
                        for (float x : a) {
                            buf.room(4).buffer.putFloat(x);
                        }
                    }
                    default -> throw new IllegalStateException(v.elementType().name());
                }
            }
            default -> throw new IllegalStateException(v.type().name());
        }
    }

    /** A little-endian buffer in front of the channel that counts what went through it, for padding. */
    private static final class Buffered {
        private final FileChannel out;
        private ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private long written;

        Buffered(FileChannel out) {
            this.out = out;
        }

        Buffered room(int n) throws IOException {
            if (buffer.remaining() < n) {
                flush();
                if (buffer.capacity() < n) {
                    buffer = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
                }
            }
            return this;
        }

        Buffered u32(int v) throws IOException {
            room(4).buffer.putInt(v);
            return this;
        }

        Buffered u64(long v) throws IOException {
            room(8).buffer.putLong(v);
            return this;
        }

        Buffered string(String s) throws IOException {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            u64(utf8.length);
            room(utf8.length).buffer.put(utf8);
            return this;
        }

        /** Zero bytes up to the next multiple of the alignment from the start of the file. */
        void pad() throws IOException {
            long position = written + buffer.position();
            int n = (int) (align(position) - position);
            room(n).buffer.put(new byte[n]);
        }

        void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                written += out.write(buffer);
            }
            buffer.clear();
        }
    }
}
