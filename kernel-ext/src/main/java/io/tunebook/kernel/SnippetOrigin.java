package io.tunebook.kernel;

import jdk.jshell.SourceCodeAnalysis.SnippetWrapper;

/**
 * Where a JShell snippet came from: the cell (its execution count) and the cell line it starts on,
 * with JShell's wrapper, so positions in the snippet and lines of stack frames in the generated
 * class both map back to cell lines.
 *
 * @param source the snippet's text exactly as evaluated; it starts at {@code firstLine}
 */
record SnippetOrigin(int cell, int firstLine, String source, SnippetWrapper wrapper) {

    /** The cell line of a character position in {@link #source()}. */
    int lineOf(int sourcePosition) {
        int line = firstLine;
        int end = Math.min(Math.max(sourcePosition, 0), source.length());
        for (int i = 0; i < end; i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The cell line of a stack frame's line number in the generated class; the first line if unknown. */
    int lineOfFrame(int wrappedLine) {
        String wrapped = wrapper.wrapped();
        int pos = 0;
        for (int line = 1; line < wrappedLine; line++) {
            pos = wrapped.indexOf('\n', pos) + 1;
            if (pos == 0) {
                return firstLine;
            }
        }
        while (pos < wrapped.length() && (wrapped.charAt(pos) == ' ' || wrapped.charAt(pos) == '\t')) {
            pos++;
        }
        int sourcePosition = wrapper.wrappedToSourcePosition(pos);
        return sourcePosition < 0 ? firstLine : lineOf(sourcePosition);
    }

    String where() {
        return "cell [" + cell + "] line ";
    }
}
