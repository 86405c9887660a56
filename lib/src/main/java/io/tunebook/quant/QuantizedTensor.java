package io.tunebook.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.Tensors;
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
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(name + ": value " + values[i] + " at flat index " + i
                        + " cannot be quantized");
            }
        }
        QuantType type = config.type();
        Blockwise.Blocks q = Blockwise.quantize(Blockwise.padded(values, config.blockSize()), config.blockSize(),
                type.codeBook());
        NDManager manager = parent.newSubManager();
        try {
            NDArray codes = Tensors.of(manager, pack(q.codes(), type.bits()), new Shape(q.codes().length * type.bits() / 8),
                    DataType.UINT8);
            float[] table = decodeTable(type);
            int perByte = 8 / type.bits();
            NDArray decode = Tensors.of(manager, table, new Shape(256, perByte));
            return new QuantizedTensor(type, shape, config.blockSize(), manager, codes, decode,
                    BlockScales.of(q.absmax(), config, manager));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static ByteBuffer pack(byte[] codes, int bits) {
        ByteBuffer out = ByteBuffer.allocateDirect(codes.length * bits / 8).order(ByteOrder.nativeOrder());
        if (bits == 8) {
            out.put(codes);
        } else {
            for (int i = 0; i < codes.length; i += 2) {
                out.put((byte) (codes[i] << 4 | codes[i + 1]));
            }
        }
        return out.flip();
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

    /** The weight as a {@code dtype} array of {@link #shape()} on {@code m}; intermediates land on {@code m} too. */
    public NDArray dequantize(NDManager m, DataType dtype) {
        long blocks = codes.size() * 8 / type.bits() / blockSize;
        NDArray flat = Lookup.rows(codes, decodeTable, m).reshape(blocks, blockSize).mul(scales.dequantize(m))
                .reshape(-1);
        if (flat.size() != shape.size()) {
            flat = flat.get("0:" + shape.size());
        }
        NDArray weight = flat.reshape(shape);
        return dtype == DataType.FLOAT32 ? weight : weight.toType(dtype, false);
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
