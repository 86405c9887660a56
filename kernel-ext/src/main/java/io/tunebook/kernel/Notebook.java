package io.tunebook.kernel;

import io.tunebook.display.ProvenanceView;
import io.tunebook.display.TrainingHistory;
import io.tunebook.display.TrainingView;
import io.tunebook.train.StepMetrics;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainerCallback;
import io.tunebook.train.TrainingResult;
import java.time.Duration;
import java.util.UUID;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/**
 * What a cell calls to talk to the notebook around it: outputs that update in place, and training
 * with a live view that an interrupt stops cleanly. Works in the tunebook kernel and in a stock
 * JJava kernel with tunebook on its class path.
 */
public final class Notebook {
    /** Live views redraw at most this often: enough to watch, cheap for the front end. */
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofMillis(500);

    private Notebook() {
    }

    /** Shows {@code value} under the cell and returns a handle to redraw it in place. */
    public static DisplayHandle display(Object value) {
        return display(value, DEFAULT_MIN_INTERVAL);
    }

    /** As {@link #display(Object)}, with throttled updates at most once per {@code minInterval}. */
    public static DisplayHandle display(Object value, Duration minInterval) {
        BaseKernel kernel = BaseKernel.notebookKernel();
        DisplayData first = kernel.getRenderer().render(value);
        String id = UUID.randomUUID().toString();
        first.setDisplayId(id);
        kernel.display(first);
        return new DisplayHandle(id, kernel.getRenderer()::render,
                data -> kernel.getIO().display.updateDisplay(data), minInterval, System::nanoTime);
    }

    /**
     * Trains with a live view: shows a {@link TrainingView} under the cell and redraws it in place
     * (throttled) at every logged step and evaluation, and while training runs an interrupt of the
     * kernel asks the trainer to stop at the next step boundary. The view's last state (finished,
     * interrupted or stopped early) is always drawn and stays as the cell's record of the run; with an
     * output directory, the run's provenance block (what made it, with sha256 of its inputs and adapter) is
     * shown under it, so a shared notebook says which data, model and code produced its numbers.
     */
    public static TrainingResult train(Trainer trainer) {
        TrainingHistory history = new TrainingHistory();
        DisplayHandle handle = display(history.view());
        TrainerCallback live = new TrainerCallback() {
            @Override
            public void onStep(StepMetrics metrics) {
                history.onStep(metrics);
                handle.update(history.view());
            }

            @Override
            public void onEvaluate(int step, double evalLoss) {
                history.onEvaluate(step, evalLoss);
                handle.update(history.view());
            }

            @Override
            public void onEvaluate(int step, double evalLoss, java.util.Map<String, Double> metrics) {
                history.onEvaluate(step, evalLoss, metrics); // preference tuning's margins reach the view
                handle.update(history.view());
            }

            @Override
            public void onEnd(TrainingResult result) {
                history.onEnd(result);
            }
        };
        trainer.addCallback(live);
        try (Interrupts.Registration stop = Interrupts.kernel().onInterrupt(trainer::requestStop)) {
            return trainer.train();
        } finally {
            trainer.removeCallback(live);
            handle.updateNow(history.view());
            trainer.provenance().ifPresent(p -> BaseKernel.notebookKernel().display(
                    BaseKernel.notebookKernel().getRenderer().render(ProvenanceView.of(p))));
        }
    }
}
