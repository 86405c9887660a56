package io.tunebook.train;

/**
 * What one logged optimizer step reports, averaged over the steps since the previous log.
 *
 * @param step optimizer steps done (1-based)
 * @param maxSteps optimizer steps in the whole run
 * @param epoch fractional epochs done (e.g. 1.5 halfway through the second); NaN for an endless stream
 * @param gradNorm global gradient norm before clipping
 * @param tokensPerSecond input tokens processed per second of training time
 * @param extras further metrics of the objective, by TRL's names (preference tuning: {@code rewards/chosen},
 *     {@code rewards/rejected}, {@code rewards/accuracies}, {@code rewards/margins}, {@code logps/chosen},
 *     {@code logps/rejected}); empty for supervised fine-tuning
 */
public record StepMetrics(int step, int maxSteps, double epoch, double loss, double learningRate, double gradNorm,
        double tokensPerSecond, double elapsedSeconds, java.util.Map<String, Double> extras) {
    public StepMetrics {
        extras = extras == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(extras));
    }

    public StepMetrics(int step, int maxSteps, double epoch, double loss, double learningRate, double gradNorm,
            double tokensPerSecond, double elapsedSeconds) {
        this(step, maxSteps, epoch, loss, learningRate, gradNorm, tokensPerSecond, elapsedSeconds, null);
    }
}
