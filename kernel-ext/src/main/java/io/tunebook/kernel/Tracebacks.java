package io.tunebook.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jshell.Diag;

/**
 * The lines shown under a failed cell. Compile errors quote the offending cell line with a caret
 * under the error; runtime errors keep the exception's own type and message, and stack frames of
 * cell code read {@code cell [N] line L} instead of JShell's generated class names. Frames of the
 * kernel machinery that ran the cell are left out.
 */
final class Tracebacks {
    /** JShell puts every snippet in a class of this package. */
    private static final String SNIPPET_PACKAGE = "REPL.";
    private static final int MAX_FOREIGN_FRAMES = 12;

    private Tracebacks() {
    }

    static CompilationError compilation(SnippetOrigin origin, List<Diag> errors) {
        List<String> lines = new ArrayList<>();
        String message = null;
        for (Diag d : errors) {
            int position = (int) (d.getStartPosition() >= 0 ? d.getStartPosition() : d.getPosition());
            int line = origin.lineOf(position);
            List<String> text = new ArrayList<>();
            for (String s : d.getMessage(Locale.ROOT).split("\n")) {
                // JShell's synthetic class has no name a user could act on.
                if (!s.strip().startsWith("location:")) {
                    text.add(s);
                }
            }
            String head = "cell line " + line + ": " + text.get(0);
            message = message == null ? head : message;
            lines.add(head);
            text.subList(1, text.size()).forEach(s -> lines.add("  " + s.strip()));
            lines.addAll(quote(origin, position, (int) Math.max(d.getEndPosition(), position + 1)));
        }
        return new CompilationError(message == null ? "compilation failed" : message, lines);
    }

    static CompilationError unresolved(SnippetOrigin origin, String name, List<String> missing) {
        String message = "cell line " + origin.firstLine() + ": " + name + " cannot run until "
                + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " declared";
        return new CompilationError(message, List.of(message));
    }

    static CompilationError incomplete(int line) {
        String message = "cell line " + line + ": the cell ends in the middle of a statement";
        return new CompilationError(message, List.of(message));
    }

    static EvaluationError evaluation(Throwable thrown, Map<String, SnippetOrigin> origins) {
        List<String> lines = new ArrayList<>();
        String at = null;
        Throwable t = thrown;
        String prefix = "";
        while (t != null) {
            lines.add(prefix + t);
            int foreign = 0;
            for (StackTraceElement frame : cellFrames(t.getStackTrace())) {
                SnippetOrigin origin = origins.get(frame.getClassName());
                if (origin != null) {
                    String where = origin.where() + origin.lineOfFrame(frame.getLineNumber());
                    at = at == null ? where : at;
                    lines.add("    at " + (frame.getMethodName().startsWith("do_it$") ? where
                            : frame.getMethodName() + " (" + where + ")"));
                } else if (foreign++ < MAX_FOREIGN_FRAMES) {
                    lines.add("    at " + frame);
                }
            }
            t = t.getCause() == t ? null : t.getCause();
            prefix = "Caused by: ";
        }
        String message = thrown.getClass().getSimpleName()
                + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage()) + (at == null ? "" : " (" + at + ")");
        return new EvaluationError(message, lines, thrown);
    }

    /** The frames down to the outermost one in cell code: below it is the kernel running the cell. */
    private static List<StackTraceElement> cellFrames(StackTraceElement[] frames) {
        int last = frames.length - 1;
        while (last >= 0 && !frames[last].getClassName().startsWith(SNIPPET_PACKAGE)) {
            last--;
        }
        return List.of(frames).subList(0, last >= 0 ? last + 1 : frames.length);
    }

    /** The cell lines from {@code start} to {@code end}, the first with carets under the span. */
    private static List<String> quote(SnippetOrigin origin, int start, int end) {
        String source = origin.source();
        int lineStart = start == 0 ? 0 : source.lastIndexOf('\n', start - 1) + 1;
        int lineEnd = source.indexOf('\n', start);
        lineEnd = lineEnd < 0 ? source.length() : lineEnd;
        String text = source.substring(lineStart, lineEnd);
        int from = Math.min(start - lineStart, text.length());
        int to = Math.max(from + 1, Math.min(end - lineStart, text.length()));
        return List.of("    " + text, "    " + " ".repeat(from) + "^".repeat(to - from));
    }
}
