package io.tunebook.train;

/** Hooks a run calls on the training thread; displays and metric writers implement them. */
public interface TrainerCallback {
    default void onStep(StepMetrics metrics) {
    }

    default void onEvaluate(int step, double evalLoss) {
    }

    default void onEnd(TrainingResult result) {
    }
}
