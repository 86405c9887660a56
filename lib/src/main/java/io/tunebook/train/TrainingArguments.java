package io.tunebook.train;

/**
 * The settings of a run, named as transformers' {@code TrainingArguments} (and TRL's
 * {@code SFTConfig} for {@code maxSeqLength} and {@code packing}). Immutable and validated; build
 * with {@link #builder()}, whose defaults are the seeds' recipe: 3 epochs, lr 2e-4, cosine schedule
 * after 10% warmup, per-device batch 4 with 4 accumulation steps (an effective batch of 16), weight
 * decay 0.01, gradient clipping at 1.0.
 *
 * @param numTrainEpochs passes over the training data; ignored when {@code maxSteps} is positive
 * @param maxSteps optimizer steps to run; {@code -1} derives them from the epochs and the data size
 * @param perDeviceTrainBatchSize rows in one micro-batch
 * @param gradientAccumulationSteps micro-batches summed into one optimizer step
 * @param warmupSteps warmup length in optimizer steps; when 0, {@code warmupRatio} of the run is used
 * @param maxGradNorm clip the global gradient norm to this (0 disables clipping)
 * @param maxSeqLength the longest tokenized example, in tokens (longer ones follow the truncation policy)
 * @param packing concatenate short examples into full rows (attention stays within each example)
 * @param loggingSteps report averaged metrics every this many optimizer steps
 * @param evalSteps with {@link IntervalStrategy#STEPS}, evaluate every this many steps
 * @param saveSteps with {@link IntervalStrategy#STEPS}, write a checkpoint every this many steps
 * @param saveTotalLimit keep at most this many checkpoints, deleting the oldest (0: keep all); the
 *     best one is kept when {@code loadBestModelAtEnd} is set
 * @param earlyStoppingPatience stop after this many evaluations without improvement (0: never)
 * @param earlyStoppingThreshold how much the validation loss must drop to count as an improvement
 * @param loadBestModelAtEnd restore the checkpoint with the lowest validation loss when the run ends
 * @param gradientCheckpointing keep only each decoder layer's input in the forward and recompute the
 *     layer in the backward (about a third more compute, activation memory of one layer); null: on
 *     when the frozen base is quantized (as PEFT's {@code prepare_model_for_kbit_training} does) or
 *     held in 16 bits (see {@link Trainer#gradientCheckpointing()})
 */
public record TrainingArguments(
        int numTrainEpochs,
        int maxSteps,
        int perDeviceTrainBatchSize,
        int perDeviceEvalBatchSize,
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
        Precision precision,
        int maxSeqLength,
        boolean packing,
        int loggingSteps,
        IntervalStrategy evalStrategy,
        int evalSteps,
        IntervalStrategy saveStrategy,
        int saveSteps,
        int saveTotalLimit,
        int earlyStoppingPatience,
        double earlyStoppingThreshold,
        boolean loadBestModelAtEnd,
        long seed,
        Boolean gradientCheckpointing) {

    public TrainingArguments {
        positive("numTrainEpochs", numTrainEpochs);
        check(maxSteps == -1 || maxSteps > 0, "maxSteps must be positive, or -1 to train numTrainEpochs epochs, got "
                + maxSteps);
        positive("perDeviceTrainBatchSize", perDeviceTrainBatchSize);
        positive("perDeviceEvalBatchSize", perDeviceEvalBatchSize);
        positive("gradientAccumulationSteps", gradientAccumulationSteps);
        positive("maxSeqLength", maxSeqLength);
        positive("loggingSteps", loggingSteps);
        check(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be positive, got " + learningRate);
        check(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
        check(warmupRatio >= 0 && warmupRatio < 1, "warmupRatio must be in [0, 1), got " + warmupRatio);
        check(weightDecay >= 0, "weightDecay must be >= 0, got " + weightDecay);
        check(maxGradNorm >= 0, "maxGradNorm must be >= 0 (0 disables clipping), got " + maxGradNorm);
        check(adamBeta1 >= 0 && adamBeta1 < 1, "adamBeta1 must be in [0, 1), got " + adamBeta1);
        check(adamBeta2 >= 0 && adamBeta2 < 1, "adamBeta2 must be in [0, 1), got " + adamBeta2);
        check(adamEpsilon > 0, "adamEpsilon must be positive, got " + adamEpsilon);
        check(precision != null && lrScheduler != null && evalStrategy != null && saveStrategy != null,
                "precision, lrScheduler, evalStrategy and saveStrategy must be set");
        check(evalStrategy != IntervalStrategy.STEPS || evalSteps > 0,
                "evalSteps must be positive when evalStrategy is steps, got " + evalSteps);
        check(saveStrategy != IntervalStrategy.STEPS || saveSteps > 0,
                "saveSteps must be positive when saveStrategy is steps, got " + saveSteps);
        check(saveTotalLimit >= 0, "saveTotalLimit must be >= 0 (0 keeps every checkpoint), got " + saveTotalLimit);
        check(earlyStoppingPatience >= 0, "earlyStoppingPatience must be >= 0 (0 disables it), got "
                + earlyStoppingPatience);
        check(earlyStoppingThreshold >= 0, "earlyStoppingThreshold must be >= 0, got " + earlyStoppingThreshold);
        check(earlyStoppingPatience == 0 || evalStrategy != IntervalStrategy.NO,
                "earlyStoppingPatience needs an evalStrategy (steps or epoch): it watches the validation loss");
        if (loadBestModelAtEnd) {
            // As transformers: the best model can only be restored from a checkpoint saved when it was evaluated.
            check(evalStrategy != IntervalStrategy.NO, "loadBestModelAtEnd needs an evalStrategy (steps or epoch)");
            check(saveStrategy == evalStrategy, "loadBestModelAtEnd needs saveStrategy equal to evalStrategy ("
                    + evalStrategy.name().toLowerCase() + "), got " + saveStrategy.name().toLowerCase());
            check(saveStrategy != IntervalStrategy.STEPS || saveSteps % evalSteps == 0,
                    "loadBestModelAtEnd needs saveSteps (" + saveSteps + ") to be a multiple of evalSteps ("
                            + evalSteps + ")");
        }
    }

    private static void positive(String name, int value) {
        check(value > 0, name + " must be positive, got " + value);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Rows per optimizer step: batch size times accumulation steps. */
    public int effectiveBatchSize() {
        return perDeviceTrainBatchSize * gradientAccumulationSteps;
    }

    /**
     * Optimizer steps of the run: {@code maxSteps} if set, else epochs times the steps of one epoch
     * (a last, shorter accumulation closes each epoch).
     *
     * @param batchesPerEpoch micro-batches in one epoch, 0 for an endless stream
     */
    public int totalSteps(int batchesPerEpoch) {
        if (maxSteps > 0) {
            return maxSteps;
        }
        if (batchesPerEpoch <= 0) {
            throw new IllegalArgumentException("maxSteps must be set when the training data is an endless stream");
        }
        return numTrainEpochs * stepsPerEpoch(batchesPerEpoch);
    }

    public int stepsPerEpoch(int batchesPerEpoch) {
        return (batchesPerEpoch + gradientAccumulationSteps - 1) / gradientAccumulationSteps;
    }

    /** Warmup in optimizer steps: {@code warmupSteps} if set, else {@code ceil(warmupRatio * totalSteps)}. */
    public int resolvedWarmupSteps(int totalSteps) {
        return warmupSteps > 0 ? warmupSteps : (int) Math.ceil(warmupRatio * totalSteps);
    }

    public double learningRateAt(int step, int totalSteps) {
        return learningRate * lrScheduler.multiplier(step, resolvedWarmupSteps(totalSteps), totalSteps);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.numTrainEpochs = numTrainEpochs;
        b.maxSteps = maxSteps;
        b.perDeviceTrainBatchSize = perDeviceTrainBatchSize;
        b.perDeviceEvalBatchSize = perDeviceEvalBatchSize;
        b.gradientAccumulationSteps = gradientAccumulationSteps;
        b.learningRate = learningRate;
        b.lrScheduler = lrScheduler;
        b.warmupSteps = warmupSteps;
        b.warmupRatio = warmupRatio;
        b.weightDecay = weightDecay;
        b.maxGradNorm = maxGradNorm;
        b.adamBeta1 = adamBeta1;
        b.adamBeta2 = adamBeta2;
        b.adamEpsilon = adamEpsilon;
        b.precision = precision;
        b.maxSeqLength = maxSeqLength;
        b.packing = packing;
        b.loggingSteps = loggingSteps;
        b.evalStrategy = evalStrategy;
        b.evalSteps = evalSteps;
        b.saveStrategy = saveStrategy;
        b.saveSteps = saveSteps;
        b.saveTotalLimit = saveTotalLimit;
        b.earlyStoppingPatience = earlyStoppingPatience;
        b.earlyStoppingThreshold = earlyStoppingThreshold;
        b.loadBestModelAtEnd = loadBestModelAtEnd;
        b.seed = seed;
        b.gradientCheckpointing = gradientCheckpointing;
        return b;
    }

    public static final class Builder {
        private int numTrainEpochs = 3;
        private int maxSteps = -1;
        private int perDeviceTrainBatchSize = 4;
        private int perDeviceEvalBatchSize = 4;
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
        private Precision precision = Precision.FP32;
        private int maxSeqLength = 512;
        private boolean packing = false;
        private int loggingSteps = 10;
        private IntervalStrategy evalStrategy = IntervalStrategy.NO;
        private int evalSteps = 0;
        private IntervalStrategy saveStrategy = IntervalStrategy.STEPS;
        private int saveSteps = 500;
        private int saveTotalLimit = 0;
        private int earlyStoppingPatience = 0;
        private double earlyStoppingThreshold = 0;
        private boolean loadBestModelAtEnd = false;
        private long seed = 42;
        private Boolean gradientCheckpointing;

        public Builder numTrainEpochs(int v) {
            numTrainEpochs = v;
            return this;
        }

        public Builder maxSteps(int v) {
            maxSteps = v;
            return this;
        }

        public Builder perDeviceTrainBatchSize(int v) {
            perDeviceTrainBatchSize = v;
            return this;
        }

        public Builder perDeviceEvalBatchSize(int v) {
            perDeviceEvalBatchSize = v;
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

        public Builder precision(Precision v) {
            precision = v;
            return this;
        }

        public Builder maxSeqLength(int v) {
            maxSeqLength = v;
            return this;
        }

        public Builder packing(boolean v) {
            packing = v;
            return this;
        }

        public Builder loggingSteps(int v) {
            loggingSteps = v;
            return this;
        }

        /** Evaluate every {@code steps} optimizer steps. */
        public Builder evalSteps(int steps) {
            evalStrategy = IntervalStrategy.STEPS;
            evalSteps = steps;
            return this;
        }

        public Builder evalStrategy(IntervalStrategy v) {
            evalStrategy = v;
            return this;
        }

        /** Save a checkpoint every {@code steps} optimizer steps. */
        public Builder saveSteps(int steps) {
            saveStrategy = IntervalStrategy.STEPS;
            saveSteps = steps;
            return this;
        }

        public Builder saveStrategy(IntervalStrategy v) {
            saveStrategy = v;
            return this;
        }

        public Builder saveTotalLimit(int v) {
            saveTotalLimit = v;
            return this;
        }

        public Builder earlyStopping(int patience, double threshold) {
            earlyStoppingPatience = patience;
            earlyStoppingThreshold = threshold;
            return this;
        }

        public Builder loadBestModelAtEnd(boolean v) {
            loadBestModelAtEnd = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** On or off whatever the base; left unset, it is on for quantized (QLoRA) and 16-bit bases. */
        public Builder gradientCheckpointing(boolean v) {
            gradientCheckpointing = v;
            return this;
        }

        public TrainingArguments build() {
            return new TrainingArguments(numTrainEpochs, maxSteps, perDeviceTrainBatchSize, perDeviceEvalBatchSize,
                    gradientAccumulationSteps, learningRate, lrScheduler, warmupSteps, warmupRatio, weightDecay,
                    maxGradNorm, adamBeta1, adamBeta2, adamEpsilon, precision, maxSeqLength, packing, loggingSteps,
                    evalStrategy, evalSteps, saveStrategy, saveSteps, saveTotalLimit, earlyStoppingPatience,
                    earlyStoppingThreshold, loadBestModelAtEnd, seed, gradientCheckpointing);
        }
    }
}
