package io.tunebook.display;

import io.tunebook.train.StepMetrics;
import io.tunebook.train.TrainerCallback;
import io.tunebook.train.TrainingResult;
import java.io.PrintStream;

/**
 * Prints a run's progress, one line per logged step ({@link Progress#line()}), one per evaluation
 * and one at the end. Lines, not a redrawn bar, so that logs piped to a file read well.
 */
public final class ConsoleProgress implements TrainerCallback {
    private final PrintStream out;

    public ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    /** Progress on standard error. */
    public static ConsoleProgress toStandardError() {
        return new ConsoleProgress(System.err);
    }

    @Override
    public void onStep(StepMetrics metrics) {
        String rewards = metrics.extras().containsKey(MarginChart.MARGINS)
                ? String.format(java.util.Locale.ROOT, " | margin %.4f | acc %.2f",
                        metrics.extras().get(MarginChart.MARGINS), metrics.extras().get(MarginChart.ACCURACIES))
                : "";
        out.println(Progress.of(metrics).line() + rewards);
    }

    @Override
    public void onEvaluate(int step, double evalLoss) {
        onEvaluate(step, evalLoss, java.util.Map.of());
    }

    @Override
    public void onEvaluate(int step, double evalLoss, java.util.Map<String, Double> metrics) {
        out.println(TrainingView.validation(new EvalLoss(step, evalLoss, metrics)));
    }

    @Override
    public void onEnd(TrainingResult result) {
        out.println(TrainingView.outcome(result));
    }
}
