package io.tunebook.train;

/** When a run evaluates or saves, as transformers' {@code eval_strategy} and {@code save_strategy}. */
public enum IntervalStrategy {
    NO,
    STEPS,
    EPOCH;

    public static IntervalStrategy parse(String field, String value) {
        for (IntervalStrategy s : values()) {
            if (s.name().equalsIgnoreCase(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException(field + " must be no, steps or epoch, got '" + value + "'");
    }
}
