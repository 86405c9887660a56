package io.tunebook.kernel;

import java.util.List;

/** The kernel was interrupted while the cell ran; the snippets after the interrupted one did not run. */
public final class CellInterrupted extends CellException {
    CellInterrupted(int line) {
        super("interrupted at cell line " + line, List.of("Interrupted at cell line " + line
                + "; the cells' state is kept, the rest of this cell did not run."), null);
    }
}
