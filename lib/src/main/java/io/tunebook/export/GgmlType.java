package io.tunebook.export;

import java.nio.ByteBuffer;

/**
 * The ggml tensor types tunebook writes into GGUF files, with their ids, block sizes and block byte
 * sizes as ggml defines them. Quantized types encode a row block by block with ggml's reference
 * quantizers ({@link Quants}).
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    /** 32 weights: an fp16 scale and 4-bit codes (value = d * (q - 8)). */
    Q4_0(2, 32, 18),
    /** 32 weights: an fp16 scale, the fifth bits in 32 bits, 4-bit low parts (value = d * (q - 16)). */
    Q5_0(6, 32, 22),
    /** 32 weights: an fp16 scale and 8-bit codes. */
    Q8_0(8, 32, 34),
    /** 256 weights in 8 sub-blocks of 32: fp16 d and dmin, 6-bit scales and mins packed in 12 bytes, 4-bit codes. */
    Q4_K(12, 256, 144),
    /** 256 weights in 16 sub-blocks of 16: 6-bit codes (4 low bits, 2 high bits), 8-bit scales, fp16 d. */
    Q6_K(14, 256, 210),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The {@code ggml_type} value stored in a GGUF tensor info. */
    public int id() {
        return id;
    }

    /** Weights per block (1 for plain float types). */
    public int blockSize() {
        return blockSize;
    }

    /** Whether a row of {@code n} weights can be stored: {@code n} must be a multiple of the block size. */
    public boolean fits(long n) {
        return n % blockSize == 0;
    }

    /** Bytes of {@code count} weights (a multiple of the block size). */
    public long bytes(long count) {
        if (!fits(count)) {
            throw new IllegalArgumentException(this + " stores blocks of " + blockSize + " weights, not " + count);
        }
        return count / blockSize * blockBytes;
    }

    /** Encodes {@code n} weights of {@code x} from {@code offset} (a whole number of blocks) into {@code out}, little-endian. */
    public void encode(float[] x, int offset, int n, ByteBuffer out) {
        switch (this) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat(x[offset + i]);
                }
            }
            case F16 -> Quants.f16(x, offset, n, out);
            case BF16 -> Quants.bf16(x, offset, n, out);
            case Q8_0 -> Quants.q8_0(x, offset, n, out);
            case Q4_0 -> Quants.q4_0(x, offset, n, out);
            case Q5_0 -> Quants.q5_0(x, offset, n, out);
            case Q4_K -> Quants.q4K(x, offset, n, out);
            case Q6_K -> Quants.q6K(x, offset, n, out);
            default -> throw new IllegalStateException(this.name());
        }
    }
}
