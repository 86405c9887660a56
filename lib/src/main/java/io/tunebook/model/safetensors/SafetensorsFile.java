package io.tunebook.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open safetensors file. {@link #open} reads and validates the whole header; tensors are read
 * on demand with positional reads, so any number of threads may read one open file at once.
 *
 * <pre>{@code
 * try (SafetensorsFile f = SafetensorsFile.open(Path.of("model.safetensors"))) {
 *     ByteBuffer w = f.readFloat32("model.embed_tokens.weight"); // direct, native order
 * }
 * }</pre>
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Largest JSON header accepted, as in Hugging Face's reader. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final int LENGTH_PREFIX_BYTES = 8;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Header header;
    private final Map<String, TensorEntry> byName = new LinkedHashMap<>();

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Header header) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
        for (TensorEntry e : header.entries()) {
            byName.put(e.name(), e);
        }
    }

    /**
     * Opens {@code file} and validates its header against the file: header length, JSON syntax,
     * dtypes, shapes and byte ranges (in bounds, matching shape and dtype, not overlapping, covering
     * the data section).
     *
     * @throws SafetensorsException naming the file (and tensor) if anything is wrong
     * @throws IOException if the file cannot be read
     */
    public static SafetensorsFile open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            // Linux opens a directory for reading happily and only fails on read, without a file name.
            throw new SafetensorsException(file, "is a directory, not a safetensors file");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            long headerLength = readHeaderLength(file, channel, size);
            // Only now is headerLength known to fit the file and the cap, so it may size a buffer.
            byte[] json = new byte[(int) headerLength];
            ChannelReads.readFully(channel, ByteBuffer.wrap(json), LENGTH_PREFIX_BYTES, file, null);
            long dataStart = LENGTH_PREFIX_BYTES + headerLength;
            Header header = HeaderParser.parse(file, json, size - dataStart);
            return new SafetensorsFile(file, channel, dataStart, header);
        } catch (Throwable t) {
            try {
                channel.close();
            } catch (IOException closing) {
                t.addSuppressed(closing);
            }
            throw t;
        }
    }

    private static long readHeaderLength(Path file, FileChannel channel, long size) throws IOException {
        if (size < LENGTH_PREFIX_BYTES) {
            throw new SafetensorsException(file, "file is " + size
                    + " bytes, too short for the 8-byte header length; not a safetensors file");
        }
        ByteBuffer prefix = ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        ChannelReads.readFully(channel, prefix, 0, file, null);
        long length = prefix.getLong(0);
        // Compared unsigned: the prefix is a u64, and a huge one reads as negative in Java.
        if (Long.compareUnsigned(length, size - LENGTH_PREFIX_BYTES) > 0) {
            throw new SafetensorsException(file, "header length " + Long.toUnsignedString(length)
                    + " runs past the end of the file (" + size + " bytes); truncated or not a safetensors file");
        }
        if (length > MAX_HEADER_BYTES) {
            throw new SafetensorsException(file, "header length " + length + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        return length;
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** The header's free-form {@code "__metadata__"} strings, e.g. {@code format=pt}; empty if none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** All tensors, in header order. */
    public List<TensorEntry> entries() {
        return header.entries();
    }

    /** Whether the file holds a tensor called {@code name}. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * The tensor called {@code name}.
     *
     * @throws SafetensorsException naming the file and the tensor if there is none
     */
    public TensorEntry entry(String name) throws SafetensorsException {
        TensorEntry e = byName.get(name);
        if (e == null) {
            throw new SafetensorsException(path, name, "no such tensor in this file (it has " + byName.size()
                    + ")");
        }
        return e;
    }

    /** Absolute file position of the data section, where every entry's offsets start counting. */
    public long dataStart() {
        return dataStart;
    }

    /**
     * The tensor's raw bytes in a new read-only, little-endian direct buffer.
     *
     * @throws SafetensorsException if there is no such tensor or it exceeds 2 GiB - 1 bytes
     */
    public ByteBuffer readRaw(String name) throws IOException {
        TensorEntry e = entry(name);
        ByteBuffer out = ByteBuffer.allocateDirect(bufferSize(e, e.byteSize(), "readRaw"));
        ChannelReads.readFully(channel, out, dataStart + e.begin(), path, name);
        return out.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The tensor converted to float32, in a new direct buffer in {@link ByteOrder#nativeOrder()},
     * ready for {@code NDManager.create}. F32 is copied bit-exactly, F16 and BF16 are widened
     * exactly, F64 is rounded to nearest.
     *
     * @throws SafetensorsException if there is no such tensor, its dtype is not F32, F16, BF16 or
     *     F64, or it has more than 536,870,911 elements
     */
    public ByteBuffer readFloat32(String name) throws IOException {
        TensorEntry e = entry(name);
        if (!e.dtype().isFloat32Convertible()) {
            throw new SafetensorsException(path, name, "dtype " + e.dtype()
                    + " cannot be read as float32 (only F32, F16, BF16 and F64 can); use readRaw");
        }
        long outBytes = Math.multiplyExact(e.numel(), (long) Float.BYTES);
        ByteBuffer out = ByteBuffer.allocateDirect(bufferSize(e, outBytes, "readFloat32"))
                .order(ByteOrder.nativeOrder());
        Float32Decoder.decode(channel, dataStart + e.begin(), e, out, path);
        return out;
    }

    /**
     * Streams elements {@code [firstElement, firstElement + count)} of the tensor (flattened,
     * row-major) to {@code consumer} in order, as {@code target}: the tensor's own dtype (its bytes
     * as stored, in native order), or {@link Dtype#F32} / {@link Dtype#F16} converted from any float
     * dtype as {@link #readFloat32} and {@code ElementConverter} describe. Every chunk passes through
     * {@code buffers}, so no tensor size limit applies beyond the format's own.
     *
     * @throws SafetensorsException if there is no such tensor, the range is outside it, the
     *     conversion is not offered, or a value does not fit float16 (naming the element)
     */
    public void readChunks(String name, Dtype target, long firstElement, long count, ChunkBuffers buffers,
            ChunkConsumer consumer) throws IOException {
        TensorEntry e = entry(name);
        Dtype source = e.dtype();
        if (firstElement < 0 || count < 0 || firstElement > e.numel() - count) {
            throw new SafetensorsException(path, name, "elements [" + firstElement + ", " + (firstElement + count)
                    + ") are outside the tensor's " + e.numel());
        }
        boolean asStored = target == source;
        if (!asStored && !(source.isFloat32Convertible() && (target == Dtype.F32 || target == Dtype.F16))) {
            throw new SafetensorsException(path, name, "dtype " + source + " cannot be read as " + target
                    + " (F32, F16, BF16 and F64 convert to F32 or F16)");
        }
        int size = source.byteSize();
        int perChunk = buffers.elementsPerChunk(size);
        ByteBuffer raw = buffers.raw();
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(perChunk, count - done);
            long element = firstElement + done;
            raw.clear().limit(n * size);
            ChannelReads.readFully(channel, raw, dataStart + e.begin() + element * size, path, name);
            raw.flip();
            if (asStored && (size == 1 || ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN)) {
                consumer.accept(raw, element, n); // little-endian, which is then the native order
            } else if (asStored) {
                throw new SafetensorsException(path, name, "reading " + source + " as stored needs a little-endian"
                        + " machine; read it as F32 instead");
            } else {
                ByteBuffer out = buffers.converted().clear();
                ElementConverter.convert(source, target, raw, out, n, path, name, element);
                consumer.accept(out.flip(), element, n);
            }
            done += n;
        }
    }

    private int bufferSize(TensorEntry e, long bytes, String method) throws SafetensorsException {
        if (bytes > Integer.MAX_VALUE) {
            throw new SafetensorsException(path, e.name(), method + " needs " + bytes
                    + " bytes, over the 2 GiB - 1 limit of one Java buffer");
        }
        return (int) bytes;
    }

    /** Closes the file; reading afterwards fails with {@link java.nio.channels.ClosedChannelException}. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + byName.size() + " tensors]";
    }
}
