package io.tunebook.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The absmax scale of every block of a {@link QuantizedTensor}, stored plainly or quantized again. */
sealed interface BlockScales permits BlockScales.Plain, BlockScales.DoubleQuantized {

    /** The scales as float32 {@code [blocks, 1]} on {@code m}. */
    NDArray dequantize(NDManager m);

    /** Bytes the stored scales take. */
    long storageBytes();

    static BlockScales of(float[] absmax, QuantConfig config, NDManager manager) {
        return config.doubleQuant() ? DoubleQuantized.of(absmax, config.doubleQuantBlockSize(), manager)
                : new Plain(Tensors.of(manager, absmax, new Shape(absmax.length, 1)));
    }

    /** One float32 per block. */
    record Plain(NDArray absmax) implements BlockScales {
        @Override
        public NDArray dequantize(NDManager m) {
            NDArray copy = absmax.duplicate();
            copy.attach(m);
            return copy;
        }

        @Override
        public long storageBytes() {
            return absmax.size() * 4;
        }
    }

    /**
     * QLoRA's double quantization, as bitsandbytes' {@code quantize_4bit(compress_statistics=True)}:
     * the mean of the scales is subtracted, then the centred scales are quantized with the 8-bit
     * dynamic map in blocks of {@code blockSize}, each with a float32 absmax of its own.
     *
     * @param codes one 8-bit code per scale, padded to whole second-level blocks
     * @param scales float32 {@code [secondLevelBlocks, 1]}
     * @param blocks how many first-level scales there are (the rest of {@code codes} is padding)
     */
    record DoubleQuantized(NDArray codes, NDArray scales, float mean, int blocks, NDArray table)
            implements BlockScales {
        private static final CodeBook DYNAMIC = CodeBook.dynamic8Bit();

        static DoubleQuantized of(float[] absmax, int blockSize, NDManager manager) {
            double sum = 0;
            for (float a : absmax) {
                sum += a;
            }
            float mean = (float) (sum / absmax.length);
            float[] centred = new float[absmax.length];
            for (int i = 0; i < centred.length; i++) {
                centred[i] = absmax[i] - mean;
            }
            Blockwise.Blocks q = Blockwise.quantize(Blockwise.padded(centred, blockSize), blockSize, DYNAMIC);
            ByteBuffer bytes = ByteBuffer.allocateDirect(q.codes().length).order(ByteOrder.nativeOrder())
                    .put(q.codes()).flip();
            return new DoubleQuantized(
                    Tensors.consume(manager, bytes, new Shape(q.codes().length), DataType.UINT8),
                    Tensors.of(manager, q.absmax(), new Shape(q.absmax().length, 1)),
                    mean, absmax.length,
                    Tensors.of(manager, DYNAMIC.values(), new Shape(DYNAMIC.size(), 1)));
        }

        @Override
        public NDArray dequantize(NDManager m) {
            long secondLevel = scales.getShape().get(0);
            NDArray centred = Lookup.rows(codes, table, m).reshape(secondLevel, -1).mul(scales).reshape(-1);
            return centred.get("0:" + blocks).add(Tensors.scalar(m, mean)).reshape(blocks, 1);
        }

        @Override
        public long storageBytes() {
            return codes.size() + scales.size() * 4 + 4;
        }
    }
}
