package io.tunebook.display;

import java.util.Map;

/**
 * A validation loss measured after {@code step} optimizer steps, with the objective's further metrics
 * (preference tuning: {@code rewards/margins}, {@code rewards/accuracies}, ...; empty otherwise).
 */
public record EvalLoss(int step, double loss, Map<String, Double> metrics) {
    public EvalLoss {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }

    public EvalLoss(int step, double loss) {
        this(step, loss, Map.of());
    }
}
