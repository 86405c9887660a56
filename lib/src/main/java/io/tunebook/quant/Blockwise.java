package io.tunebook.quant;

/**
 * Blockwise absmax quantization in Java: each run of {@code blockSize} values is divided by its
 * largest magnitude and every quotient is replaced by the nearest code of the book.
 */
final class Blockwise {
    /** One code per value (not yet packed; read as unsigned) and one absmax per block. */
    record Blocks(byte[] codes, float[] absmax) {
    }

    private Blockwise() {
    }

    /** @param values a whole number of blocks (callers pad with zeros) */
    static Blocks quantize(float[] values, int blockSize, CodeBook book) {
        return quantize(values, values.length, blockSize, book);
    }

    /** The first {@code length} values, a whole number of blocks. */
    static Blocks quantize(float[] values, int length, int blockSize, CodeBook book) {
        Blocks out = new Blocks(new byte[length], new float[length / blockSize]);
        quantizeInto(values, length, blockSize, book, out);
        return out;
    }

    /**
     * {@link #quantize} into {@code out}'s arrays (at least {@code length} codes and
     * {@code length / blockSize} scales), so that a pass-by-pass quantization of a whole model
     * allocates nothing per pass and leaves the Java heap no garbage to grow on.
     */
    static void quantizeInto(float[] values, int length, int blockSize, CodeBook book, Blocks out) {
        int blocks = length / blockSize;
        byte[] codes = out.codes();
        float[] absmax = out.absmax();
        for (int b = 0; b < blocks; b++) {
            int start = b * blockSize;
            float max = 0;
            for (int i = start; i < start + blockSize; i++) {
                max = Math.max(max, Math.abs(values[i]));
            }
            absmax[b] = max;
            // An all-zero block keeps scale 0: any code decodes to 0.
            float inverse = max == 0 ? 0 : 1 / max;
            for (int i = start; i < start + blockSize; i++) {
                codes[i] = (byte) book.encode(values[i] * inverse);
            }
        }
    }

    /** {@code values} padded with zeros to a whole number of blocks. */
    static float[] padded(float[] values, int blockSize) {
        long length = QuantConfig.ceilDiv(values.length, blockSize) * blockSize;
        return length == values.length ? values : java.util.Arrays.copyOf(values, Math.toIntExact(length));
    }
}
