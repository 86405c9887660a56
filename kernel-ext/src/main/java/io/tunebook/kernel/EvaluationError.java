package io.tunebook.kernel;

import java.util.List;

/** The cell's code threw; {@link #getCause()} is the exception itself, with its own type and stack. */
public final class EvaluationError extends CellException {
    EvaluationError(String message, List<String> traceback, Throwable cause) {
        super(message, traceback, cause);
    }
}
