package io.tunebook.display.notebook;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernel's interrupt button as code running in a cell sees it. Long work registers a hook that
 * asks it to stop cleanly (a {@link io.tunebook.train.Trainer} registers {@code requestStop}, so
 * training ends at the next step boundary with the model intact); while a hook is registered an
 * interrupt runs the hooks instead of stopping the cell's thread.
 */
public final class Interrupts {
    private static final Interrupts KERNEL = new Interrupts();

    /** A registry of its own (tests, or code that routes interrupts itself); the kernel uses {@link #kernel()}. */
    public Interrupts() {
    }

    private final Set<Registration> hooks = ConcurrentHashMap.newKeySet();

    /** The registry the running kernel's interrupts go to. */
    public static Interrupts kernel() {
        return KERNEL;
    }

    /** Runs {@code hook} on each interrupt until the returned registration is closed. */
    public Registration onInterrupt(Runnable hook) {
        Registration r = new Registration(this, hook);
        hooks.add(r);
        return r;
    }

    /**
     * Runs every registered hook (on the caller's thread: keep hooks short, e.g. set a flag).
     *
     * @return false when no hook was registered: nothing in the cell listens, so the caller should stop it
     */
    public boolean interrupt() {
        boolean any = false;
        for (Registration r : hooks) {
            r.hook.run();
            any = true;
        }
        return any;
    }

    /** One registered hook; closing it unregisters it. */
    public static final class Registration implements AutoCloseable {
        private final Interrupts owner;
        private final Runnable hook;

        private Registration(Interrupts owner, Runnable hook) {
            this.owner = owner;
            this.hook = hook;
        }

        @Override
        public void close() {
            owner.hooks.remove(this);
        }
    }
}
