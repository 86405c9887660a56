package io.tunebook.display.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InterruptsTest {
    @Test
    void hooksRunUntilTheirRegistrationIsClosed() {
        Interrupts interrupts = new Interrupts();
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        assertFalse(interrupts.interrupt(), "nobody listens: the kernel must stop the cell itself");
        try (Interrupts.Registration ra = interrupts.onInterrupt(a::incrementAndGet)) {
            Interrupts.Registration rb = interrupts.onInterrupt(b::incrementAndGet);
            assertTrue(interrupts.interrupt());
            rb.close();
            assertTrue(interrupts.interrupt());
        }
        assertFalse(interrupts.interrupt());
        assertEquals(2, a.get());
        assertEquals(1, b.get());
    }
}
