package io.tunebook.train;

/**
 * How a run ended.
 *
 * @param stoppedEarly true when a stop was requested (e.g. a kernel interrupt) before {@code maxSteps}
 * @param finalEvalLoss validation loss at the end, NaN when there was no validation data
 */
public record TrainingResult(int steps, double finalTrainLoss, double finalEvalLoss, boolean stoppedEarly,
        double seconds) {
}
