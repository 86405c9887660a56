package io.tunebook.train;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Where a thread may be stopped by force. Work that must not be cut in the middle runs inside a
 * {@link #enter() region}: a {@link Trainer} run, whose optimizer steps update the weights and the
 * moments array by array and whose checkpoints are written between steps. Code that stops threads
 * (the notebook kernel's interrupt, after its grace period) stops one only {@link #whenOutside
 * outside} every region; the Trainer checks for interrupts between steps, so an interrupted training
 * cell leaves its region at the next step boundary.
 */
public final class SafePoints {
    private static final Object LOCK = new Object();
    private static final Map<Thread, Integer> DEPTH = new HashMap<>();

    private SafePoints() {
    }

    /** Enters a region on the calling thread until the returned handle is closed; regions nest. */
    public static Region enter() {
        Thread self = Thread.currentThread();
        synchronized (LOCK) {
            DEPTH.merge(self, 1, Integer::sum);
        }
        return () -> {
            synchronized (LOCK) {
                DEPTH.computeIfPresent(self, (t, d) -> d == 1 ? null : d - 1);
                LOCK.notifyAll();
            }
        };
    }

    /** Whether {@code thread} is inside a region now. */
    public static boolean inside(Thread thread) {
        synchronized (LOCK) {
            return DEPTH.containsKey(thread);
        }
    }

    /**
     * Runs {@code action} (such as stopping {@code thread}) once {@code thread} is outside every region,
     * waiting as long as it takes; while the action runs, the thread cannot enter a region.
     */
    public static void whenOutside(Thread thread, Runnable action) throws InterruptedException {
        synchronized (LOCK) {
            while (DEPTH.containsKey(thread)) {
                LOCK.wait(100);
            }
            action.run();
        }
    }

    /**
     * Between two items of long work (examples evaluated, benchmark steps): throws a
     * {@link CancellationException} when the calling thread has been interrupted (a signal to the command
     * line, a notebook's interrupt button). The interrupt stays set for the caller.
     */
    public static void stopIfInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("interrupted");
        }
    }

    /** An open region; closing it leaves the region. */
    public interface Region extends AutoCloseable {
        @Override
        void close();
    }
}
