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
    private final double stepsPerEpoch;

    /** @param stepsPerEpoch optimizer steps per pass over the training data, to show the epoch; 0: unknown */
    public ConsoleProgress(PrintStream out, double stepsPerEpoch) {
        this.out = out;
        this.stepsPerEpoch = Progress.checkStepsPerEpoch(stepsPerEpoch);
    }

    /** Progress on standard error, epochs unknown. */
    public static ConsoleProgress toStandardError() {
        return new ConsoleProgress(System.err, 0);
    }

    @Override
    public void onStep(StepMetrics metrics) {
        out.println(Progress.of(metrics, stepsPerEpoch).line());
    }

    @Override
    public void onEvaluate(int step, double evalLoss) {
        out.println(TrainingView.validation(new EvalLoss(step, evalLoss)));
    }

    @Override
    public void onEnd(TrainingResult result) {
        out.println(TrainingView.outcome(result));
    }
}
