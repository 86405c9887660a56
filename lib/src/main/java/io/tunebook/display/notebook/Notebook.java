package io.tunebook.display.notebook;

import io.tunebook.display.MimeBundle;
import io.tunebook.display.TrainingHistory;
import io.tunebook.display.TrainingView;
import io.tunebook.display.Views;
import io.tunebook.train.StepMetrics;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainerCallback;
import io.tunebook.train.TrainingResult;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * What a cell calls to talk to the notebook around it: outputs that update in place, and training with a
 * live view that an interrupt stops cleanly. Works in the tunebook kernel, in a stock JJava kernel and in a
 * stock IJava kernel with tunebook on its class path ({@code %jars .../tunebook-all.jar}).
 *
 * <p>The host kernel is found by name, never linked: JJava's running kernel ({@code BaseKernel.notebookKernel()},
 * the tunebook kernel's too), else IJava's ({@code IJava.getKernelInstance()}), else the one given to
 * {@link #install(Object)}. Tunebook's renderers are registered with that kernel's renderer the first time,
 * so every later cell value that is a tunebook object renders as html/png; JJava does it itself at
 * {@code %jars} ({@link DisplayableExtension}), IJava needs one {@link #install()} in a cell.
 */
public final class Notebook {
    /** Live views redraw at most this often: enough to watch, cheap for the front end. */
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofMillis(500);

    /** Kernels whose renderer already knows tunebook's views (weak: a test or a restart makes new kernels). */
    private static final Set<Object> REGISTERED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private static volatile Host given;

    private Notebook() {
    }

    /**
     * Registers tunebook's renderers with the kernel this notebook runs in (JJava, the tunebook kernel or IJava),
     * so tunebook objects a cell returns render as tables and charts. Idempotent.
     *
     * @throws IllegalStateException when no known kernel runs this code
     */
    public static void install() {
        host();
    }

    /**
     * Registers tunebook's renderers with {@code kernel} and sends later displays to it: a JJava
     * {@code org.dflib.jjava.jupyter.kernel.BaseKernel} or a jupyter-jvm-basekernel
     * {@code io.github.spencerpark.jupyter.kernel.BaseKernel} (IJava's kernel, or one of your own).
     */
    public static void install(Object kernel) {
        Host host = hostOf(kernel);
        if (host == null) {
            throw new IllegalArgumentException("Notebook.install expects a Jupyter kernel (JJava's or jupyter-jvm-basekernel's "
                    + "BaseKernel), got " + (kernel == null ? "null" : kernel.getClass().getName()));
        }
        register(host);
        given = host;
    }

    /** Shows {@code value} under the cell and returns a handle to redraw it in place. */
    public static DisplayHandle display(Object value) {
        return display(value, DEFAULT_MIN_INTERVAL);
    }

    /** As {@link #display(Object)}, with throttled updates at most once per {@code minInterval}. */
    public static DisplayHandle display(Object value, Duration minInterval) {
        Host host = host();
        String id = UUID.randomUUID().toString();
        host.show(value, id);
        return new DisplayHandle(id, v -> host.update(v, id), minInterval, System::nanoTime);
    }

    /** Drops the kernel given to {@link #install(Object)} (tests start and stop kernels of their own). */
    static void forget() {
        given = null;
    }

    /** Redraws the output {@code handle} came from with {@code value}, now (Jupyter's {@code update_display_data}). */
    public static void updateDisplay(DisplayHandle handle, Object value) {
        handle.updateNow(value);
    }

    /**
     * Trains with a live view: shows a {@link TrainingView} under the cell and redraws it in place
     * (throttled) at every logged step and evaluation, and while training runs an interrupt of the
     * tunebook kernel asks the trainer to stop at the next step boundary (a stock JJava or IJava kernel
     * stops the cell's thread itself). The view's last state (finished, interrupted or stopped early) is
     * always drawn and stays as the cell's record of the run.
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
            public void onEvaluate(int step, double evalLoss, Map<String, Double> metrics) {
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
        }
    }

    /** The MIME bundle of a value the renderers were registered for. */
    static MimeBundle bundleOf(Object value) {
        return Views.of(value).orElseThrow().mimeBundle();
    }

    /** Registers tunebook's renderers with the kernel of {@code host} unless that was done. */
    static void register(Host host) {
        if (REGISTERED.add(host.kernel())) {
            host.registerRenderers();
        }
    }

    /** The kernel this notebook runs in, renderers registered. */
    static Host host() {
        Host host = running();
        if (host == null) {
            throw new IllegalStateException("no notebook kernel runs this code: tunebook displays in the tunebook kernel, "
                    + "JJava or IJava (or a kernel given to Notebook.install(kernel))");
        }
        register(host);
        return host;
    }

    private static Host running() {
        if (loaded(JJavaHost.KERNEL_CLASS) != null) {
            Host jjava = JJavaHost.current();
            if (jjava != null) {
                return jjava;
            }
        }
        Class<?> ijava = loaded(BaseKernelHost.IJAVA_CLASS);
        if (ijava != null && loaded(BaseKernelHost.KERNEL_CLASS) != null) {
            Host host = BaseKernelHost.ijava(ijava);
            if (host != null) {
                return host;
            }
        }
        return given;
    }

    /** The host for a kernel object, or null when it is no kernel this library knows. */
    private static Host hostOf(Object kernel) {
        if (kernel == null) {
            return null;
        }
        Class<?> jjava = loaded(JJavaHost.KERNEL_CLASS);
        if (jjava != null && jjava.isInstance(kernel)) {
            return new JJavaHost(kernel);
        }
        Class<?> basekernel = loaded(BaseKernelHost.KERNEL_CLASS);
        if (basekernel != null && basekernel.isInstance(kernel)) {
            return new BaseKernelHost(kernel);
        }
        return null;
    }

    /** The class of that name as tunebook's own classes see it (the host kernel's, through delegation), or null. */
    private static Class<?> loaded(String name) {
        try {
            return Class.forName(name, false, Notebook.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
