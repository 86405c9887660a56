package io.tunebook.train;

/**
 * What one logged optimizer step reports, averaged over the steps since the previous log.
 *
 * @param step optimizer steps done (1-based)
 * @param gradNorm global gradient norm before clipping
 * @param tokensPerSecond input tokens processed per second of training time
 */
public record StepMetrics(int step, int maxSteps, double loss, double learningRate, double gradNorm,
        double tokensPerSecond, double elapsedSeconds) {
}
