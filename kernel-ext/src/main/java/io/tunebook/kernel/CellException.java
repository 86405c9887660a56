package io.tunebook.kernel;

import java.util.List;

/**
 * A cell that did not run to its end. Jupyter shows the simple class name, the message, and the
 * {@link #traceback()} lines under the cell, so each says where in the cell it happened.
 */
public abstract class CellException extends RuntimeException {
    private final List<String> traceback;

    CellException(String message, List<String> traceback, Throwable cause) {
        // The Java stack of a cell failure is the kernel's machinery: the traceback says where in the cell.
        super(message, cause, false, false);
        this.traceback = List.copyOf(traceback);
    }

    public List<String> traceback() {
        return traceback;
    }
}
