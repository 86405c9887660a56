package io.tunebook.train;

import java.nio.file.Path;

/** Hooks a run calls on the training thread; displays and metric writers implement them. */
public interface TrainerCallback {
    default void onStep(StepMetrics metrics) {
    }

    default void onEvaluate(int step, double evalLoss) {
    }

    default void onSave(int step, Path checkpoint) {
    }

    default void onEnd(TrainingResult result) {
    }
}
