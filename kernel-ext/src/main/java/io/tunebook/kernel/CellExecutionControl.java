package io.tunebook.kernel;

import io.tunebook.model.Autograd;
import io.tunebook.train.SafePoints;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs JShell snippets inside the kernel's JVM, so a cell's value reaches the kernel as the object
 * itself (rendered from its MIME bundle) rather than as a remote {@code toString()}. Snippets run
 * on a cell thread of their own: the Jupyter channel threads stay free, and an interrupt can stop a
 * cell without stopping them.
 */
final class CellExecutionControl extends DirectExecutionControl {
    /** How long {@link #stop()} lets an interrupted cell finish before stopping its thread. */
    static final Duration STOP_GRACE = Duration.ofSeconds(2);

    /**
     * One thread runs every snippet, as a Python kernel's main thread does: per-thread native state
     * (PyTorch's autograd mode, its OpenMP thread team) is set up once and carries from cell to cell.
     */
    private final ExecutorService cellThread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(() -> {
            Autograd.offOutsideCollectors();
            task.run();
        }, "tunebook-cell");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private Thread running;
    private volatile boolean stopped;
    private volatile Object lastValue;
    private volatile Throwable lastFailure;

    /** Hands JShell this control; one kernel, one JShell, one control. */
    static ExecutionControlProvider provider(CellExecutionControl control) {
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "tunebook";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return control;
            }
        };
    }

    @Override
    protected String invoke(Method doIt) throws Exception {
        lastValue = null;
        lastFailure = null;
        Object[] value = new Object[1];
        Throwable[] failure = new Throwable[1];
        synchronized (lock) {
            if (stopped) {
                throw new StoppedException();
            }
        }
        Future<?> done = cellThread.submit(() -> {
            Thread self = Thread.currentThread();
            Thread.interrupted(); // an interrupt meant for an earlier cell is not this one's
            // Libraries that look up services through the context loader must see jars added by %classpath.
            self.setContextClassLoader(doIt.getDeclaringClass().getClassLoader());
            synchronized (lock) {
                running = self;
            }
            try {
                value[0] = doIt.invoke(null);
            } catch (InvocationTargetException e) {
                failure[0] = e.getCause();
            } catch (Throwable e) {
                failure[0] = e;
            } finally {
                synchronized (lock) {
                    running = null;
                    lock.notifyAll();
                }
            }
        });
        done.get();
        if (stopped) {
            throw new StoppedException();
        }
        if (failure[0] != null) {
            lastFailure = failure[0];
            return throwConvertedInvocationException(failure[0]);
        }
        lastValue = value[0];
        return valueString(value[0]);
    }

    /**
     * Interrupts the running snippet; if it is still running after {@link #STOP_GRACE} (a loop that
     * never checks for interrupts), its thread is stopped. Snippets not yet started in the cell are
     * skipped until {@link #resetStop()}.
     */
    @Override
    public void stop() {
        Thread cell;
        synchronized (lock) {
            stopped = true;
            cell = running;
        }
        if (cell == null) {
            return;
        }
        cell.interrupt();
        Thread watchdog = new Thread(() -> forceStopAfterGrace(cell), "tunebook-cell-stop");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** A stopped thread unwinds with ThreadDeath, which the cell task catches: the cell thread lives on. */
    private void forceStopAfterGrace(Thread cell) {
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        synchronized (lock) {
            try {
                for (long left = STOP_GRACE.toMillis(); running == cell && left > 0;
                        left = (deadline - System.nanoTime()) / 1_000_000) {
                    lock.wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (running != cell) {
                return;
            }
        }
        try {
            // Never inside an optimizer step or a checkpoint write: by its end a trainer has seen the interrupt.
            SafePoints.whenOutside(cell, () -> {
                synchronized (lock) {
                    if (running == cell) {
                        stopThread(cell);
                    }
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static void stopThread(Thread cell) {
        try {
            cell.stop();
        } catch (UnsupportedOperationException newerJdk) {
            // Java 20+ cannot stop a thread: the cell keeps running until it checks for interrupts.
            System.err.println("tunebook kernel: this Java cannot stop a cell that ignores interrupts; "
                    + "restart the kernel to end it");
        }
    }

    void resetStop() {
        stopped = false;
    }

    boolean stopped() {
        return stopped;
    }

    /** The value the last snippet evaluated to (null for statements and declarations without a value). */
    Object lastValue() {
        return lastValue;
    }

    /** What the last snippet threw, with its real type and stack. */
    Throwable lastFailure() {
        return lastFailure;
    }

    @Override
    public void close() {
        cellThread.shutdownNow();
        super.close();
    }
}
