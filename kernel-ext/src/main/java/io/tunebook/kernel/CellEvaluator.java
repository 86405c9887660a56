package io.tunebook.kernel;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

/**
 * Evaluates notebook cells with the JDK's JShell, in this JVM. A cell is cut into JShell snippets
 * (statements, declarations, expressions) evaluated in order; the first failure ends the cell with
 * a {@link CellException} that names the cell line. The value of a cell is the value of its last
 * snippet when that is an expression, as in other notebook kernels.
 */
final class CellEvaluator implements AutoCloseable {
    private final CellExecutionControl control = new CellExecutionControl();
    private final JShell shell;
    /** Generated class name of each snippet evaluated so far, to map stack frames back to cells. */
    private final Map<String, SnippetOrigin> origins = new ConcurrentHashMap<>();

    /**
     * @param classPath what snippets compile against (the kernel's own class path: tunebook and its dependencies)
     * @param imports what every cell imports: packages ({@code a.b.*}) and single types
     */
    CellEvaluator(String classPath, List<String> imports) {
        this.shell = JShell.builder()
                .executionEngine(CellExecutionControl.provider(control), Map.of())
                .build();
        shell.addToClasspath(classPath);
        for (String target : imports) {
            for (SnippetEvent e : shell.eval("import " + target + ";")) {
                if (e.status() == Snippet.Status.REJECTED) {
                    throw new IllegalStateException("cannot import " + target + ": " + diagnostics(e.snippet()));
                }
            }
        }
    }

    /**
     * Runs a cell.
     *
     * @param cell the cell's execution count, shown in tracebacks as {@code cell [N]}
     * @return the value of the last snippet if it is an expression, else null
     * @throws CellException when a snippet does not compile, throws, or is interrupted
     */
    Object eval(int cell, String code) {
        control.resetStop();
        Object value = null;
        String remaining = code;
        int consumed = 0;
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        while (!remaining.isBlank()) {
            int firstLine = lineAt(code, consumed);
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == Completeness.DEFINITELY_INCOMPLETE
                    || info.completeness() == Completeness.CONSIDERED_INCOMPLETE) {
                throw Tracebacks.incomplete(lineAt(code, consumed + firstNonBlank(remaining)));
            }
            // JShell cannot cut an UNKNOWN input: evaluating all of it yields javac's error.
            boolean whole = info.completeness() == Completeness.UNKNOWN;
            String source = whole ? remaining : info.source();
            value = evalSnippet(new SourceSpan(cell, firstLine, source));
            int length = whole ? remaining.length() : remaining.length() - info.remaining().length();
            consumed += length;
            remaining = whole ? "" : info.remaining();
        }
        return value;
    }

    private record SourceSpan(int cell, int firstLine, String source) {
    }

    private Object evalSnippet(SourceSpan span) {
        Object value = null;
        for (SnippetEvent event : shell.eval(span.source())) {
            if (event.causeSnippet() != null) {
                continue; // a dependent declaration updated by this snippet, not the snippet itself
            }
            Snippet snippet = event.snippet();
            SnippetOrigin origin = new SnippetOrigin(span.cell(), span.firstLine(), snippet.source(),
                    shell.sourceCodeAnalysis().wrapper(snippet));
            if (event.status() == Snippet.Status.REJECTED) {
                throw Tracebacks.compilation(origin, errors(snippet));
            }
            origins.put(origin.wrapper().fullClassName(), origin);
            if (control.stopped()) {
                throw new CellInterrupted(span.firstLine());
            }
            if (event.exception() instanceof UnresolvedReferenceException unresolved) {
                throw Tracebacks.unresolved(origin, unresolved.getSnippet().toString(),
                        shell.unresolvedDependencies(unresolved.getSnippet()).collect(Collectors.toList()));
            }
            if (event.exception() != null) {
                Throwable thrown = control.lastFailure();
                CellException fromKernel = cellException(thrown);
                if (fromKernel != null) {
                    throw fromKernel; // a magic's own report (its usage), already in the cell's terms
                }
                throw Tracebacks.evaluation(thrown != null ? thrown : event.exception(), origins);
            }
            value = hasValue(snippet) ? control.lastValue() : null;
        }
        return value;
    }

    /** The kernel's own report in {@code t}'s causes (magics run inside snippets, and their callers wrap). */
    private static CellException cellException(Throwable t) {
        for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
            if (t instanceof CellException cell) {
                return cell;
            }
        }
        return null;
    }

    private static boolean hasValue(Snippet s) {
        return s.kind() == Snippet.Kind.EXPRESSION
                || s instanceof VarSnippet && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
    }

    private List<Diag> errors(Snippet s) {
        List<Diag> errors = shell.diagnostics(s).filter(Diag::isError).collect(Collectors.toList());
        return errors.isEmpty() ? shell.diagnostics(s).collect(Collectors.toList()) : errors;
    }

    private String diagnostics(Snippet s) {
        return shell.diagnostics(s).map(d -> d.getMessage(null)).collect(Collectors.joining("; "));
    }

    /**
     * Adds jars or class directories (separated by the path separator; {@code dir/*} takes every jar
     * of a directory) to what cells compile against and load from.
     */
    void addToClasspath(List<String> entries) {
        List<String> paths = new ArrayList<>();
        for (String entry : entries) {
            if (entry.endsWith("/*") || entry.endsWith(File.separator + "*")) {
                Path dir = Path.of(entry.substring(0, entry.length() - 2));
                paths.addAll(jarsIn(dir, entry));
            } else {
                Path p = Path.of(entry);
                if (!Files.exists(p)) {
                    throw new IllegalArgumentException("%classpath: " + p.toAbsolutePath() + " does not exist");
                }
                paths.add(p.toAbsolutePath().toString());
            }
        }
        shell.addToClasspath(String.join(File.pathSeparator, paths));
    }

    private static List<String> jarsIn(Path dir, String entry) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("%classpath: " + entry + ": " + dir.toAbsolutePath()
                    + " is not a directory");
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted()
                    .map(f -> f.toAbsolutePath().toString()).collect(Collectors.toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("%classpath: cannot list " + dir, e);
        }
    }

    /**
     * The jars a {@code %jars} argument names: a path, or a glob ({@code *}, {@code ?}, {@code [..]}, {@code {a,b}})
     * in its last name or in several ({@code lib/**.jar}), sorted; empty when nothing matches.
     */
    static List<String> glob(String pattern) {
        if (!pattern.matches(".*[*?\\[{].*")) {
            Path p = Path.of(pattern);
            return Files.isRegularFile(p) ? List.of(p.toAbsolutePath().toString()) : List.of();
        }
        // The directory to walk: the part of the pattern before its first glob character.
        int wild = pattern.replaceAll("[*?\\[{].*", "").lastIndexOf('/');
        Path base = Path.of(wild < 0 ? "." : wild == 0 ? "/" : pattern.substring(0, wild));
        String rest = pattern.substring(wild + 1);
        PathMatcher matcher = base.getFileSystem().getPathMatcher("glob:" + rest);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (var files = Files.walk(base, rest.contains("**") ? Integer.MAX_VALUE : rest.split("/").length)) {
            return files.filter(Files::isRegularFile).filter(f -> matcher.matches(base.relativize(f)))
                    .map(f -> f.toAbsolutePath().toString()).sorted().collect(Collectors.toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("%jars: cannot list " + base, e);
        }
    }

    /** JShell's completions at {@code cursor}; {@code anchor[0]} receives where the replaced text starts. */
    List<String> complete(String code, int cursor, int[] anchor) {
        return shell.sourceCodeAnalysis().completionSuggestions(code, cursor, anchor).stream()
                .sorted((a, b) -> Boolean.compare(b.matchesType(), a.matchesType()))
                .map(SourceCodeAnalysis.Suggestion::continuation)
                .distinct()
                .collect(Collectors.toList());
    }

    /** Signatures (and javadoc where the class path has sources) of what is at {@code cursor}. */
    List<SourceCodeAnalysis.Documentation> documentation(String code, int cursor) {
        int end = cursor;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        int paren = end;
        while (paren < code.length() && Character.isWhitespace(code.charAt(paren))) {
            paren++;
        }
        // Past the '(' JShell documents the method being called rather than naming a member.
        if (paren < code.length() && code.charAt(paren) == '(') {
            end = paren + 1;
        }
        return shell.sourceCodeAnalysis().documentation(code, end, true);
    }

    /** Whether a console front end should run {@code code} now or read another line. */
    Completeness completeness(String code) {
        String remaining = code;
        Completeness last = Completeness.EMPTY;
        while (!remaining.isBlank()) {
            CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(remaining);
            last = info.completeness();
            if (!last.isComplete()) {
                return last;
            }
            remaining = info.remaining();
        }
        return last;
    }

    /** Interrupts the cell that is running (see {@link CellExecutionControl#stop()}). */
    void stop() {
        control.stop();
    }

    @Override
    public void close() {
        shell.close();
    }

    private static int lineAt(String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < code.length(); i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int firstNonBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
