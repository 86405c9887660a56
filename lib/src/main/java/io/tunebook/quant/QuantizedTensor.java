package io.tunebook.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A frozen weight stored as bitsandbytes stores it: the row-major values cut into blocks of
 * {@code blockSize}, each block's values as codes relative to its absmax (4-bit codes two to a
 * byte, the first in the high nibble), and the block scales plain or double-quantized.
 *
 * <p>The arrays live on a manager of their own, freed by {@link #close()}. {@link #dequantize}
 * rebuilds the float weight on the caller's manager.
 */
public final class QuantizedTensor implements AutoCloseable {
    private final QuantType type;
    private final Shape shape;
    private final int blockSize;
    private final NDManager manager;
    private final NDArray codes;
    private final NDArray decodeTable;
    private final BlockScales scales;

    private QuantizedTensor(QuantType type, Shape shape, int blockSize, NDManager manager, NDArray codes,
            NDArray decodeTable, BlockScales scales) {
        this.type = type;
        this.shape = shape;
        this.blockSize = blockSize;
        this.manager = manager;
        this.codes = codes;
        this.decodeTable = decodeTable;
        this.scales = scales;
    }

    /** Row-major values read in order, a run at a time: a weight that is never whole in memory. */
    @FunctionalInterface
    public interface ValueSource {
        /** Fills {@code dst[0, count)} with the values at flat indices {@code [first, first + count)}. */
        void read(long first, float[] dst, int count) throws IOException;
    }

    /** Values per pass of {@link #quantize(String, Shape, ValueSource, QuantConfig, NDManager)}: 4 MiB of floats. */
    private static final int CHUNK_VALUES = 1 << 20;

    /**
     * Quantizes row-major {@code values} of the given shape.
     *
     * @param name what the values are, for error messages (a module path)
     * @param parent the manager whose device holds the codes; the tensor opens a sub-manager of it
     */
    public static QuantizedTensor quantize(String name, float[] values, Shape shape, QuantConfig config,
            NDManager parent) {
        if (shape.size() != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values do not fill shape " + shape);
        }
        try {
            return quantize(name, shape, (first, dst, count) -> System.arraycopy(values, (int) first, dst, 0, count),
                    config, parent);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an array source does no I/O
        }
    }

    /**
     * Quantizes the values {@code source} reads, a few MiB at a time: blocks are independent, so
     * passes of whole blocks give the codes and block scales that one pass over all values gives,
     * and only the block scales (one float per block) are kept until the end, where double
     * quantization needs them all. The weight is never whole in memory.
     */
    public static QuantizedTensor quantize(String name, Shape shape, ValueSource source, QuantConfig config,
            NDManager parent) throws IOException {
        QuantType type = config.type();
        int blockSize = config.blockSize();
        long n = shape.size();
        long blocks = QuantConfig.ceilDiv(n, blockSize);
        float[] absmax = new float[Math.toIntExact(blocks)];
        ByteBuffer packed = ByteBuffer.allocateDirect(Math.toIntExact(Math.multiplyExact(blocks * blockSize,
                (long) type.bits()) / 8)).order(ByteOrder.nativeOrder());
        float[] chunk = new float[(int) Math.min(Math.max(1, CHUNK_VALUES / blockSize) * blockSize, blocks * blockSize)];
        Blockwise.Blocks pass = new Blockwise.Blocks(new byte[chunk.length], new float[chunk.length / blockSize]);
        for (long done = 0; done < n; ) {
            int count = (int) Math.min(chunk.length, n - done);
            source.read(done, chunk, count);
            for (int i = 0; i < count; i++) {
                if (!Float.isFinite(chunk[i])) {
                    throw new IllegalArgumentException(name + ": value " + chunk[i] + " at flat index " + (done + i)
                            + " cannot be quantized");
                }
            }
            // Only the last pass can end inside a block: pad it with zeros, as one pass would.
            int length = (int) (QuantConfig.ceilDiv(count, blockSize) * blockSize);
            Arrays.fill(chunk, count, length, 0f);
            Blockwise.quantizeInto(chunk, length, blockSize, type.codeBook(), pass);
            System.arraycopy(pass.absmax(), 0, absmax, (int) (done / blockSize), length / blockSize);
            pack(pass.codes(), length, type.bits(), packed);
            done += count;
        }
        NDManager manager = parent.newSubManager();
        try {
            NDArray codes = Tensors.consume(manager, packed.flip(), new Shape(packed.remaining()), DataType.UINT8);
            float[] table = decodeTable(type);
            int perByte = 8 / type.bits();
            NDArray decode = Tensors.of(manager, table, new Shape(256, perByte));
            return new QuantizedTensor(type, shape, blockSize, manager, codes, decode,
                    BlockScales.of(absmax, config, manager));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Appends the first {@code length} codes to {@code out}: 8-bit as they are, 4-bit two to a byte, the first in the high nibble. */
    private static void pack(byte[] codes, int length, int bits, ByteBuffer out) {
        if (bits == 8) {
            out.put(codes, 0, length);
        } else {
            for (int i = 0; i < length; i += 2) {
                out.put((byte) (codes[i] << 4 | codes[i + 1]));
            }
        }
    }

    /** For every byte value, the code values it holds in storage order: 256 rows of 2 (4-bit) or 1 (8-bit). */
    private static float[] decodeTable(QuantType type) {
        CodeBook book = type.codeBook();
        if (type.bits() == 8) {
            return book.values();
        }
        float[] table = new float[512];
        for (int b = 0; b < 256; b++) {
            table[2 * b] = book.value(b >> 4);
            table[2 * b + 1] = book.value(b & 15);
        }
        return table;
    }

    /**
     * Blocks decoded at once by {@link #dequantize}: 2^16 blocks (4 Mi values at block size 64).
     * Decoding widens each stored byte to an int64 index and then to floats, 24 bytes of
     * temporaries per 4-bit byte; a whole 58.7 M-weight MLP projection of Mistral 7B decoded at once
     * would hold 700 MB of them beside its 235 MB result.
     */
    public static final long BLOCKS_PER_PASS = 1 << 16;

    /** The weight as a {@code dtype} array of {@link #shape()} on {@code m}, decoded a pass of blocks at a time. */
    public NDArray dequantize(NDManager m, DataType dtype) {
        return dequantize(m, dtype, BLOCKS_PER_PASS);
    }

    /** {@link #dequantize(NDManager, DataType)} in passes of {@code blocksPerPass} blocks. */
    NDArray dequantize(NDManager m, DataType dtype, long blocksPerPass) {
        long blocks = codes.size() * 8 / type.bits() / blockSize;
        long bytesPerBlock = (long) blockSize * type.bits() / 8;
        NDArray flat;
        try (NDManager scratch = m.newSubManager()) {
            NDArray absmax = scales.dequantize(scratch);
            if (blocks <= blocksPerPass) {
                flat = decode(codes, absmax, blocks);
            } else {
                flat = m.create(new Shape(blocks * blockSize), DataType.FLOAT32);
                for (long b = 0; b < blocks; b += blocksPerPass) {
                    long end = Math.min(blocks, b + blocksPerPass);
                    try (NDManager pass = scratch.newSubManager()) {
                        NDArray part = decode(view(codes, b * bytesPerBlock, end * bytesPerBlock, pass),
                                view(absmax, b, end, pass), end - b);
                        flat.set(new NDIndex().addSliceDim(b * blockSize, end * blockSize), part);
                    }
                }
            }
            flat.attach(m);
        }
        if (flat.size() != shape.size()) {
            flat = flat.get("0:" + shape.size());
        }
        NDArray weight = flat.reshape(shape);
        return dtype == DataType.FLOAT32 ? weight : weight.toType(dtype, false);
    }

    /** {@code count} blocks of codes scaled by their absmax, flat, on the codes' manager. */
    private NDArray decode(NDArray someCodes, NDArray absmax, long count) {
        NDManager m = absmax.getManager();
        return Lookup.rows(someCodes, decodeTable, m).reshape(count, blockSize).mul(absmax).reshape(-1);
    }

    /** Elements {@code [from, to)} of a flat or {@code [n, 1]} array, as a view on {@code m}. */
    private static NDArray view(NDArray array, long from, long to, NDManager m) {
        NDArray v = array.get(new NDIndex().addSliceDim(from, to));
        v.attach(m);
        return v;
    }

    public NDArray dequantize(NDManager m) {
        return dequantize(m, DataType.FLOAT32);
    }

    public QuantType type() {
        return type;
    }

    public Shape shape() {
        return shape;
    }

    public long size() {
        return shape.size();
    }

    /**
     * Bytes of the stored weight: the codes and the scales (with double quantization, the 8-bit
     * scale codes, the float32 second-level scales and the float32 mean). Not counted: the
     * constant 256-row decode tables of the code type (2 KiB at most), which are not weight data.
     */
    public long storageBytes() {
        return codes.size() + scales.storageBytes();
    }

    /** {@link #storageBytes()} per weight: 0.5159 for NF4 with double quantization in blocks of 64 and 256. */
    public double bytesPerParameter() {
        return (double) storageBytes() / size();
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return type.hfName() + Arrays.toString(shape.getShape()) + " in " + storageBytes() + " bytes";
    }
}
