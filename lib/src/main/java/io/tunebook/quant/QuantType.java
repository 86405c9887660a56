package io.tunebook.quant;

/**
 * The code a weight is stored with, relative to its block's absmax.
 *
 * <ul>
 *   <li>{@link #NF4}: the 16 NormalFloat levels of QLoRA (Dettmers et al. 2023), quantiles of N(0, 1)
 *       with an exact zero, as bitsandbytes' {@code get_4bit_type("nf4")}. Best for normally
 *       distributed weights.</li>
 *   <li>{@link #FP4}: bitsandbytes' 4-bit float (sign, 2 exponent bits, 1 mantissa bit), the table of
 *       {@code get_4bit_type("fp4")}: {0, 0.0625, 8, 12, 4, 6, 2, 3} / 12 and their negatives.</li>
 *   <li>{@link #INT8}: symmetric 8-bit absmax, {@code round(127 x / absmax)} in a signed byte.</li>
 * </ul>
 */
public enum QuantType {
    NF4(4, new float[] {
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
        0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f}),
    FP4(4, fp4()),
    INT8(8, int8());

    private final int bits;
    private final CodeBook codeBook;

    QuantType(int bits, float[] values) {
        this.bits = bits;
        this.codeBook = new CodeBook(values);
    }

    private static float[] fp4() {
        float[] magnitudes = {0f, 0.0625f, 8f, 12f, 4f, 6f, 2f, 3f};
        float[] v = new float[16];
        for (int i = 0; i < 8; i++) {
            v[i] = magnitudes[i] / 12f;
            v[i + 8] = -magnitudes[i] / 12f;
        }
        return v;
    }

    /** Code {@code b} is the signed byte {@code (byte) b}; -128 is never chosen for values in [-1, 1]. */
    private static float[] int8() {
        float[] v = new float[256];
        for (int b = 0; b < 256; b++) {
            v[b] = (byte) b / 127f;
        }
        return v;
    }

    /** Bits per stored weight. */
    public int bits() {
        return bits;
    }

    public CodeBook codeBook() {
        return codeBook;
    }

    /** The name bitsandbytes and transformers use ({@code bnb_4bit_quant_type}), or {@code int8}. */
    public String hfName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
