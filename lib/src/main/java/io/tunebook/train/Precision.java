package io.tunebook.train;

/** The dtype a run computes in, as transformers' {@code fp16}/{@code bf16} switches. */
public enum Precision {
    FP32,
    BF16,
    FP16;

    public static Precision parse(String value) {
        for (Precision p : values()) {
            if (p.name().equalsIgnoreCase(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision must be fp32, bf16 or fp16, got '" + value + "'");
    }
}
