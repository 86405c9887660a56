package io.tunebook.model.safetensors;

/**
 * Conversions between float32 and the two 16-bit float formats of LLM weights, bit-exact with
 * IEEE 754 and PyTorch: bfloat16 (8 exponent bits, 7 mantissa bits) and float16 (5 exponent bits,
 * 10 mantissa bits). Narrowing rounds to nearest, ties to even; infinities, signed zeros and
 * subnormals are preserved; NaN stays NaN (quiet, sign and leading payload bits kept).
 *
 * <p>Java 17 has no {@code Float.float16ToFloat}, and DJL's bf16 cast aborts the JVM, hence this.
 */
public final class Half {
    private Half() {}

    /** The float32 value of a bfloat16 bit pattern; exact. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** The bfloat16 nearest to {@code f}, ties to even; overflow gives infinity. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            // Truncating could clear every payload bit left and turn NaN into infinity.
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    /** The float32 value of a float16 bit pattern; exact. */
    public static float f16ToFloat(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // exact: the subnormal is mantissa * 2^-24
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13));
    }

    /** The float16 nearest to {@code f}, ties to even; magnitudes from 65520 up give infinity. */
    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (magnitude > 0x7f800000) {
            return (short) (sign | 0x7e00 | ((magnitude >>> 13) & 0x3ff));
        }
        if (magnitude >= 0x477ff000) { // 65520, halfway between 65504 (the largest float16) and 2^16
            return (short) (sign | 0x7c00);
        }
        if (magnitude >= 0x38800000) { // 2^-14, the smallest normal float16
            int rebiased = magnitude - ((127 - 15) << 23);
            int lsb = (rebiased >>> 13) & 1;
            return (short) (sign | ((rebiased + 0xfff + lsb) >>> 13));
        }
        // Subnormal or zero: the result is round(|f| * 2^24) units of 2^-24; the double product
        // is exact and rint rounds ties to even. 1024 units carries into the smallest normal.
        int units = (int) Math.rint(Math.abs((double) f) * 0x1p24);
        return (short) (sign | units);
    }
}
