package io.tunebook.data.jinja;

import java.time.ZonedDateTime;

/** The functions transformers adds to a chat template's globals; public for Jinjava's reflection only. */
public final class Globals {
    private Globals() {
    }

    /** {@code raise_exception(message)}: the template refuses its input. */
    public static Object raiseException(Object message) {
        throw new TemplateRaised(String.valueOf(message));
    }

    /** {@code strftime_now(format)}: the current local date and time, formatted as by Python's strftime. */
    public static String strftimeNow(String format) {
        return Strftime.format(format, ZonedDateTime.now());
    }

    /** Thrown by {@code raise_exception}; carries the template's own message. */
    static final class TemplateRaised extends RuntimeException {
        TemplateRaised(String message) {
            super(message, null, false, false);
        }
    }
}
