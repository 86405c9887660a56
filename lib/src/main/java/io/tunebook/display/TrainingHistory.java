package io.tunebook.display;

import io.tunebook.train.StepMetrics;
import io.tunebook.train.TrainerCallback;
import io.tunebook.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a run as it goes, for live displays: pass it (or a callback that forwards to it) to
 * {@code Trainer.Builder.callback}, and from any other thread ask for {@link #view()} every couple of seconds.
 * A view is made again only when a step, an evaluation or the end arrived since the last one.
 */
public final class TrainingHistory implements TrainerCallback {
    private final List<StepMetrics> steps = new ArrayList<>();
    private final List<EvalLoss> evaluations = new ArrayList<>();
    private TrainingResult result;
    private TrainingView view;

    @Override
    public synchronized void onStep(StepMetrics metrics) {
        steps.add(metrics);
        view = null;
    }

    @Override
    public synchronized void onEvaluate(int step, double evalLoss) {
        onEvaluate(step, evalLoss, java.util.Map.of());
    }

    @Override
    public synchronized void onEvaluate(int step, double evalLoss, java.util.Map<String, Double> metrics) {
        evaluations.add(new EvalLoss(step, evalLoss, metrics));
        view = null;
    }

    @Override
    public synchronized void onEnd(TrainingResult r) {
        result = r;
        view = null;
    }

    /** The run as it stands. */
    public synchronized TrainingView view() {
        if (view == null) {
            view = TrainingView.of(steps, evaluations, result);
        }
        return view;
    }

    public synchronized List<StepMetrics> steps() {
        return List.copyOf(steps);
    }

    public synchronized List<EvalLoss> evaluations() {
        return List.copyOf(evaluations);
    }
}
