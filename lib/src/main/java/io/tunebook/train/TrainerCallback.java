package io.tunebook.train;

import java.nio.file.Path;

/** Hooks a run calls on the training thread; displays and metric writers implement them. */
public interface TrainerCallback {
    default void onStep(StepMetrics metrics) {
    }

    default void onEvaluate(int step, double evalLoss) {
    }

    /**
     * An evaluation with the objective's further metrics (preference tuning: TRL's {@code rewards/...}
     * and {@code logps/...}, empty otherwise); by default {@link #onEvaluate(int, double)}.
     */
    default void onEvaluate(int step, double evalLoss, java.util.Map<String, Double> metrics) {
        onEvaluate(step, evalLoss);
    }

    default void onSave(int step, Path checkpoint) {
    }

    default void onEnd(TrainingResult result) {
    }
}
