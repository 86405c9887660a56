package io.tunebook.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM and SIGINT for the command line. The JVM answers a signal by running its shutdown hooks
 * and then exiting, and the exit runs libtorch's static destructors: if the command's thread is still
 * inside a native call then (a backward, an optimizer step), the process crashes in libtorch instead
 * of exiting. So the one hook installed here asks the running command to stop at its next safe point
 * (the {@link #onStop} actions a command registered: a trainer's {@code requestStop}, a server's
 * close; without any, the command's thread is interrupted, which evaluation and benchmark loops check
 * between items), then waits, at most {@link #GRACE}, until the command has returned. The JVM then
 * exits with the signal's status: 143 for SIGTERM, 130 for SIGINT.
 */
final class Shutdown {
    /** How long a signal waits for the command to reach a safe point ({@code TUNEBOOK_STOP_GRACE_S}). */
    static final Duration GRACE = Duration.ofSeconds(graceSeconds(System.getenv("TUNEBOOK_STOP_GRACE_S")));

    private static final CountDownLatch FINISHED = new CountDownLatch(1);
    private static final List<Runnable> ACTIONS = new CopyOnWriteArrayList<>();
    private static volatile boolean requested;
    private static volatile Thread command;

    private Shutdown() {
    }

    static long graceSeconds(String setting) {
        if (setting == null || setting.isBlank()) {
            return 60;
        }
        try {
            long s = Long.parseLong(setting.strip());
            if (s >= 0) {
                return s;
            }
        } catch (NumberFormatException e) {
            // below
        }
        System.err.println("tunebook: ignoring TUNEBOOK_STOP_GRACE_S=" + setting + " (not a number of seconds)");
        return 60;
    }

    /** Installs the hook for the command that runs on the calling thread; once per JVM, from {@code main}. */
    static void install() {
        command = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(Shutdown::onSignal, "tunebook-shutdown"));
    }

    /** The command has returned (or failed): a signal from now on exits at once. */
    static void finished() {
        FINISHED.countDown();
    }

    /** Whether a signal asked the command to stop. */
    static boolean requested() {
        return requested;
    }

    /**
     * Runs {@code action} when a signal arrives while the registration is open (at once when one already
     * has); keep it short: set a flag, close a socket.
     */
    static Registration onStop(Runnable action) {
        ACTIONS.add(action);
        if (requested) {
            action.run();
        }
        return () -> ACTIONS.remove(action);
    }

    /** An open {@link #onStop} action; closing removes it. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private static void onSignal() {
        if (FINISHED.getCount() == 0) {
            return; // an ordinary exit
        }
        requested = true;
        System.err.println("tunebook: stopping at the next safe point (signal received; waiting up to "
                + GRACE.toSeconds() + " s)");
        List<Runnable> actions = List.copyOf(ACTIONS);
        for (Runnable a : actions) {
            try {
                a.run();
            } catch (RuntimeException e) {
                System.err.println("tunebook: while stopping: " + e);
            }
        }
        Thread t = command;
        if (actions.isEmpty() && t != null) {
            t.interrupt();
        }
        try {
            if (!FINISHED.await(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("tunebook: the command did not stop within " + GRACE.toSeconds()
                        + " s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
