package io.tunebook.kernel;

import io.tunebook.display.Displayable;
import io.tunebook.train.Batch;
import io.tunebook.train.BatchSource;
import io.tunebook.train.StepMetrics;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainerCallback;
import io.tunebook.train.TrainingResult;
import java.time.Duration;
import java.util.List;
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
     * Trains with a live view: shows {@code view}, feeds it every logged step and redraws it in place
     * (throttled), and while training runs an interrupt of the kernel asks the trainer to stop at the
     * next step boundary. The view's last state (finished or stopped) is always drawn.
     *
     * @param view a view of training, e.g. {@link TrainingProgress}
     */
    public static <V extends Displayable & TrainerCallback> TrainingResult fit(Trainer trainer, BatchSource train,
            List<Batch> validation, V view) {
        DisplayHandle handle = display(view);
        try (Interrupts.Registration stop = Interrupts.kernel().onInterrupt(trainer::requestStop)) {
            return trainer.fit(train, validation, new LiveView(view, handle));
        } finally {
            handle.updateNow(view);
        }
    }

    /** Forwards the trainer's events to a view and redraws it. */
    private record LiveView(TrainerCallback view, DisplayHandle handle) implements TrainerCallback {
        @Override
        public void onStep(StepMetrics metrics) {
            view.onStep(metrics);
            handle.update(view);
        }

        @Override
        public void onEvaluate(int step, double evalLoss) {
            view.onEvaluate(step, evalLoss);
            handle.update(view);
        }

        @Override
        public void onEnd(TrainingResult result) {
            view.onEnd(result);
        }
    }
}
