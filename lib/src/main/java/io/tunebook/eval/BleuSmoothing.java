package io.tunebook.eval;

/**
 * What BLEU does with an n-gram order that has no match, as sacrebleu's {@code smooth_method}
 * (Chen and Cherry, 2014). The default values of {@code floor} and {@code add-k} are sacrebleu's.
 */
public enum BleuSmoothing {
    /** No smoothing: a zero precision makes the score zero. */
    NONE("none", Double.NaN),
    /** Method 1: a zero count is replaced by {@code value} (0.1). */
    FLOOR("floor", 0.1),
    /** Method 2: {@code value} (1) is added to the counts of orders 2 and up. */
    ADD_K("add-k", 1),
    /** Method 3, mteval-v13a's: the k-th zero precision becomes {@code 1 / (2^k * total)}. sacrebleu's default. */
    EXP("exp", Double.NaN);

    private final String signature;
    private final double defaultValue;

    BleuSmoothing(String signature, double defaultValue) {
        this.signature = signature;
        this.defaultValue = defaultValue;
    }

    public String signature() {
        return signature;
    }

    /** The value a method uses when none is given; NaN for the methods that take none. */
    public double defaultValue() {
        return defaultValue;
    }

    public boolean takesValue() {
        return !Double.isNaN(defaultValue);
    }
}
