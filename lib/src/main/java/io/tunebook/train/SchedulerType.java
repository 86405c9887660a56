package io.tunebook.train;

/** Learning-rate schedules after warmup, as transformers' {@code lr_scheduler_type}. */
public enum SchedulerType {
    CONSTANT,
    LINEAR,
    COSINE;

    /**
     * The learning rate multiplier at {@code step} (0-based optimizer steps): linear warmup from 0,
     * then constant, linear decay to 0, or half a cosine to 0 at {@code totalSteps}.
     */
    public double multiplier(int step, int warmupSteps, int totalSteps) {
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        switch (this) {
            case CONSTANT:
                return 1.0;
            case LINEAR:
                return Math.max(0.0, 1.0 - progress);
            case COSINE:
                return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
            default:
                throw new AssertionError(this);
        }
    }

    public static SchedulerType parse(String name) {
        for (SchedulerType t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown lr scheduler '" + name + "'; use constant, linear or cosine");
    }
}
