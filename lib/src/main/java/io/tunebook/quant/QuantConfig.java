package io.tunebook.quant;

import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * How base weights are quantized, named after transformers' {@code BitsAndBytesConfig}. Build with
 * {@link #builder()}; the defaults are QLoRA's: NF4 in blocks of 64 weights, double quantization
 * of the block scales (8-bit codes in blocks of 256, after subtracting their mean), float32
 * compute, and {@code lm_head} left dense (bitsandbytes' {@code llm_int8_skip_modules}).
 *
 * @param blockSize weights sharing one absmax scale; even, so two 4-bit codes fill a byte
 * @param doubleQuant quantize the block scales again ({@code bnb_4bit_use_double_quant})
 * @param doubleQuantBlockSize block scales sharing one second-level float32 scale
 * @param computeDtype dtype the weight is dequantized to for the matmul ({@code bnb_4bit_compute_dtype}):
 *     FLOAT32 (the default), or FLOAT16 to halve the transient dense weight in inference (not in
 *     training: this engine's dtype conversion records no gradient; bfloat16 conversion aborts
 *     this engine, so it is not offered)
 * @param skipModules modules kept dense, matched against the last part of the module path
 *     ({@code lm_head}, {@code q_proj}...) or the whole path
 */
public record QuantConfig(QuantType type, int blockSize, boolean doubleQuant, int doubleQuantBlockSize,
        DataType computeDtype, List<String> skipModules) {

    public QuantConfig {
        if (type == null) {
            throw new IllegalArgumentException("quantization type must be given (nf4, fp4 or int8)");
        }
        if (blockSize < 2 || blockSize % 2 != 0 || blockSize > 4096) {
            throw new IllegalArgumentException("blockSize must be even and in [2, 4096], got " + blockSize);
        }
        if (doubleQuantBlockSize < 1) {
            throw new IllegalArgumentException("doubleQuantBlockSize must be positive, got " + doubleQuantBlockSize);
        }
        if (computeDtype != DataType.FLOAT32 && computeDtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("computeDtype must be FLOAT32 or FLOAT16, got " + computeDtype);
        }
        skipModules = List.copyOf(skipModules);
    }

    /** QLoRA's NF4 with double quantization, as {@code BitsAndBytesConfig(load_in_4bit=True, ...)}. */
    public static QuantConfig nf4() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when the module at this path stays dense. */
    public boolean skips(String modulePath) {
        String last = modulePath.substring(modulePath.lastIndexOf('.') + 1);
        return skipModules.contains(last) || skipModules.contains(modulePath);
    }

    /**
     * Storage of {@code n} weights in bytes per weight, the formula {@link QuantizedTensor#storageBytes()}
     * measures: {@code bits/8}, plus per block either a float32 absmax or an 8-bit code, plus per
     * second-level block a float32 scale and one float32 mean per tensor.
     */
    public double bytesPerParameter(long n) {
        long blocks = ceilDiv(n, blockSize);
        double codes = (double) blocks * blockSize * type.bits() / 8.0;
        double scales = doubleQuant
                ? ceilDiv(blocks, doubleQuantBlockSize) * (doubleQuantBlockSize + 4.0) + 4.0
                : blocks * 4.0;
        return (codes + scales) / n;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    public static final class Builder {
        private QuantType type = QuantType.NF4;
        private int blockSize = 64;
        private boolean doubleQuant = true;
        private int doubleQuantBlockSize = 256;
        private DataType computeDtype = DataType.FLOAT32;
        private List<String> skipModules = List.of("lm_head");

        public Builder type(QuantType v) {
            type = v;
            return this;
        }

        public Builder blockSize(int v) {
            blockSize = v;
            return this;
        }

        public Builder doubleQuant(boolean v) {
            doubleQuant = v;
            return this;
        }

        public Builder doubleQuantBlockSize(int v) {
            doubleQuantBlockSize = v;
            return this;
        }

        public Builder computeDtype(DataType v) {
            computeDtype = v;
            return this;
        }

        public Builder skipModules(List<String> v) {
            skipModules = v;
            return this;
        }

        public QuantConfig build() {
            return new QuantConfig(type, blockSize, doubleQuant, doubleQuantBlockSize, computeDtype, skipModules);
        }
    }
}
