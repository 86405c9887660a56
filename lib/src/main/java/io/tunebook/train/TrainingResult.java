package io.tunebook.train;

/**
 * How a run ended.
 *
 * @param totalSteps the steps the run was planned for
 * @param finalEvalLoss validation loss of the model as the run leaves it, NaN without validation data
 * @param bestEvalLoss lowest validation loss seen, NaN without validation data
 * @param bestStep the step of that loss, -1 without validation data
 */
public record TrainingResult(int steps, int totalSteps, double finalTrainLoss, double finalEvalLoss,
        StopReason stopReason, double bestEvalLoss, int bestStep, double seconds) {

    public enum StopReason {
        /** All planned steps ran. */
        COMPLETED,
        /** A stop was requested (a kernel interrupt, Ctrl-C); the model is as of the last full step. */
        INTERRUPTED,
        /** The validation loss stopped improving for {@code earlyStoppingPatience} evaluations. */
        EARLY_STOPPING
    }

    /** True when the run ended before its planned steps, whatever the reason. */
    public boolean stoppedEarly() {
        return stopReason != StopReason.COMPLETED;
    }
}
