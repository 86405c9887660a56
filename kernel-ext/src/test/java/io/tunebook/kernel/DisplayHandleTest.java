package io.tunebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;

class DisplayHandleTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger renders = new AtomicInteger();
    private final List<DisplayData> published = new ArrayList<>();

    private DisplayHandle handle(Duration minInterval) {
        return new DisplayHandle("d-1", value -> {
            renders.incrementAndGet();
            return new DisplayData(String.valueOf(value));
        }, published::add, minInterval, now::get);
    }

    @Test
    void updatesWithinTheIntervalAreSkippedWithoutRendering() {
        DisplayHandle h = handle(Duration.ofNanos(100));
        assertFalse(h.update("step 1"), "the output was shown when the handle was made");
        now.addAndGet(100);
        assertTrue(h.update("step 2"));
        now.addAndGet(50);
        assertFalse(h.update("step 3"));
        assertEquals(1, renders.get(), "a skipped update renders nothing");
        h.updateNow("done");
        assertEquals(List.of("step 2", "done"), published.stream().map(d -> d.getData(MIMEType.TEXT_PLAIN)).toList());
        assertTrue(published.stream().allMatch(d -> "d-1".equals(d.getDisplayId())), "updates carry the display id");
    }

    @Test
    void aZeroIntervalRedrawsEveryUpdate() {
        DisplayHandle h = handle(Duration.ZERO);
        assertTrue(h.update("a"));
        assertTrue(h.update("b"));
        assertEquals(2, published.size());
        assertThrows(IllegalArgumentException.class, () -> handle(Duration.ofMillis(-1)));
    }
}
