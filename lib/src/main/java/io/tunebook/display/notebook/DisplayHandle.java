package io.tunebook.display.notebook;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One output of a notebook that can be redrawn in place: Jupyter's {@code update_display_data}
 * for a {@code display_id}. Updates are throttled, so a training loop may call {@link #update} every
 * step without flooding the front end: within {@code minInterval} of the last redraw an update is
 * skipped (and nothing is rendered); the output counts as drawn when the handle is made. {@link #updateNow} always redraws; call it for the final state.
 */
public final class DisplayHandle {
    private final String id;
    private final Consumer<Object> redraw;
    private final long minIntervalNanos;
    private final LongSupplier nanoClock;
    private long lastRedraw;

    /**
     * @param redraw renders a value and sends it as an {@code update_display_data} for {@code id} (the host kernel's)
     */
    DisplayHandle(String id, Consumer<Object> redraw, Duration minInterval, LongSupplier nanoClock) {
        if (minInterval.isNegative()) {
            throw new IllegalArgumentException("minInterval must not be negative, got " + minInterval);
        }
        this.id = id;
        this.redraw = redraw;
        this.minIntervalNanos = minInterval.toNanos();
        this.nanoClock = nanoClock;
        this.lastRedraw = nanoClock.getAsLong(); // the output was just shown
    }

    /** The {@code display_id} of this output. */
    public String id() {
        return id;
    }

    /** Redraws the output with {@code value} unless it was redrawn less than the minimum interval ago. */
    public synchronized boolean update(Object value) {
        if (nanoClock.getAsLong() - lastRedraw < minIntervalNanos) {
            return false;
        }
        updateNow(value);
        return true;
    }

    /** Redraws the output with {@code value} now. */
    public synchronized void updateNow(Object value) {
        redraw.accept(value);
        lastRedraw = nanoClock.getAsLong();
    }
}
