package io.tunebook.display.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DisplayHandleTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<Object> redrawn = new ArrayList<>();

    private DisplayHandle handle(Duration minInterval) {
        return new DisplayHandle("d-1", redrawn::add, minInterval, now::get);
    }

    @Test
    void updatesWithinTheIntervalAreSkippedWithoutRendering() {
        DisplayHandle h = handle(Duration.ofNanos(100));
        assertFalse(h.update("step 1"), "the output was shown when the handle was made");
        now.addAndGet(100);
        assertTrue(h.update("step 2"));
        now.addAndGet(50);
        assertFalse(h.update("step 3"));
        assertEquals(List.of("step 2"), redrawn, "a skipped update renders nothing");
        h.updateNow("done");
        assertEquals(List.of("step 2", "done"), redrawn);
        assertEquals("d-1", h.id());
    }

    @Test
    void aZeroIntervalRedrawsEveryUpdate() {
        DisplayHandle h = handle(Duration.ZERO);
        assertTrue(h.update("a"));
        assertTrue(h.update("b"));
        assertEquals(2, redrawn.size());
        assertThrows(IllegalArgumentException.class, () -> handle(Duration.ofMillis(-1)));
    }
}
