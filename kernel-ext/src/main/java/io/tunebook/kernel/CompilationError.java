package io.tunebook.kernel;

import java.util.List;

/** javac rejected a snippet of the cell (or the cell ends in the middle of a statement). */
public final class CompilationError extends CellException {
    CompilationError(String message, List<String> traceback) {
        super(message, traceback, null);
    }
}
