package io.tunebook.kernel;

import java.util.List;

/** A magic given what it cannot use: one line saying what it expected, e.g. {@code %load expects one FILE.jsh}. */
public final class MagicUsageError extends CellException {
    MagicUsageError(String message) {
        super(message, List.of(message), null);
    }
}
