package io.tunebook.eval;

/**
 * A corpus-level value with its 95% bootstrap confidence interval ({@link Evaluator} says how it is
 * drawn). NaN throughout when the metric does not apply (perplexity of an endpoint).
 */
public record ConfidenceInterval(double value, double low, double high) {
    public static final ConfidenceInterval NONE = new ConfidenceInterval(Double.NaN, Double.NaN, Double.NaN);

    public boolean isPresent() {
        return !Double.isNaN(value);
    }

    /** Whether the interval leaves out 0: for a difference, a change the sample supports at the 95% level. */
    public boolean excludesZero() {
        return isPresent() && (low > 0 || high < 0);
    }
}
