package io.tunebook.train;

/**
 * Optimisation settings of a run, named as transformers' {@code TrainingArguments}. Immutable and
 * validated; build with {@link #builder()}, whose defaults are the seeds' recipe: lr 2e-4, cosine
 * schedule, 10% warmup, weight decay 0.01, gradient clipping at 1.0, accumulation 4.
 *
 * @param warmupSteps warmup length in optimizer steps; when 0, {@code warmupRatio} of the run is used
 * @param loggingSteps emit averaged metrics every this many optimizer steps
 * @param evalSteps evaluate on the validation batches every this many steps (0: only at the end)
 */
public record TrainingArguments(
        int maxSteps,
        int gradientAccumulationSteps,
        double learningRate,
        SchedulerType lrScheduler,
        int warmupSteps,
        double warmupRatio,
        double weightDecay,
        double maxGradNorm,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        int loggingSteps,
        int evalSteps,
        long seed) {

    public TrainingArguments {
        positive("maxSteps", maxSteps);
        positive("gradientAccumulationSteps", gradientAccumulationSteps);
        positive("loggingSteps", loggingSteps);
        check(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be positive, got " + learningRate);
        check(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
        check(warmupRatio >= 0 && warmupRatio < 1, "warmupRatio must be in [0, 1), got " + warmupRatio);
        check(weightDecay >= 0, "weightDecay must be >= 0, got " + weightDecay);
        check(maxGradNorm >= 0, "maxGradNorm must be >= 0 (0 disables clipping), got " + maxGradNorm);
        check(adamBeta1 >= 0 && adamBeta1 < 1, "adamBeta1 must be in [0, 1), got " + adamBeta1);
        check(adamBeta2 >= 0 && adamBeta2 < 1, "adamBeta2 must be in [0, 1), got " + adamBeta2);
        check(adamEpsilon > 0, "adamEpsilon must be positive, got " + adamEpsilon);
        check(evalSteps >= 0, "evalSteps must be >= 0, got " + evalSteps);
    }

    private static void positive(String name, int value) {
        check(value > 0, name + " must be positive, got " + value);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Warmup in optimizer steps: {@code warmupSteps} if set, else {@code ceil(warmupRatio * maxSteps)}. */
    public int resolvedWarmupSteps() {
        return warmupSteps > 0 ? warmupSteps : (int) Math.ceil(warmupRatio * maxSteps);
    }

    public double learningRateAt(int step) {
        return learningRate * lrScheduler.multiplier(step, resolvedWarmupSteps(), maxSteps);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int maxSteps = 100;
        private int gradientAccumulationSteps = 4;
        private double learningRate = 2e-4;
        private SchedulerType lrScheduler = SchedulerType.COSINE;
        private int warmupSteps = 0;
        private double warmupRatio = 0.1;
        private double weightDecay = 0.01;
        private double maxGradNorm = 1.0;
        private double adamBeta1 = 0.9;
        private double adamBeta2 = 0.999;
        private double adamEpsilon = 1e-8;
        private int loggingSteps = 10;
        private int evalSteps = 0;
        private long seed = 42;

        public Builder maxSteps(int v) {
            maxSteps = v;
            return this;
        }

        public Builder gradientAccumulationSteps(int v) {
            gradientAccumulationSteps = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder lrScheduler(SchedulerType v) {
            lrScheduler = v;
            return this;
        }

        public Builder warmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        public Builder warmupRatio(double v) {
            warmupRatio = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder maxGradNorm(double v) {
            maxGradNorm = v;
            return this;
        }

        public Builder adamBetas(double b1, double b2) {
            adamBeta1 = b1;
            adamBeta2 = b2;
            return this;
        }

        public Builder adamEpsilon(double v) {
            adamEpsilon = v;
            return this;
        }

        public Builder loggingSteps(int v) {
            loggingSteps = v;
            return this;
        }

        public Builder evalSteps(int v) {
            evalSteps = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public TrainingArguments build() {
            return new TrainingArguments(maxSteps, gradientAccumulationSteps, learningRate, lrScheduler, warmupSteps,
                    warmupRatio, weightDecay, maxGradNorm, adamBeta1, adamBeta2, adamEpsilon, loggingSteps, evalSteps,
                    seed);
        }
    }
}
