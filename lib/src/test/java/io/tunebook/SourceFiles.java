package io.tunebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The main Java sources of a module, read as code: what the source-scanning tests look at. */
final class SourceFiles {
    /** lib's own sources; tests run with lib as the working directory. */
    static final Path LIB = Path.of("src/main/java/io/tunebook");
    static final Path KERNEL = Path.of("../kernel-ext/src/main/java/io/tunebook");

    private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern LINE_COMMENT = Pattern.compile("//[^\\n]*");
    private static final Pattern CHAR = Pattern.compile("'(?:[^'\\\\\\n]|\\\\.)'");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");

    private SourceFiles() {
    }

    /** Every {@code .java} file under {@code root}, sorted; fails when there are none (a scan of nothing passes vacuously). */
    static List<Path> under(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> out = files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
            if (out.isEmpty()) {
                throw new AssertionError("no Java sources under " + root.toAbsolutePath());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The file without comments or string literals, so that prose about a call ("never Device.cpu()")
     * or a message naming a package is not taken for the call or the dependency itself.
     */
    static String code(Path file) {
        try {
            return strip(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #code(Path)} of a source text. */
    static String strip(String text) {
        // Literals first ('"' included): a "//" or "/*" inside a literal must not start a comment.
        text = CHAR.matcher(text).replaceAll("' '");
        text = STRING.matcher(text).replaceAll("\"\"");
        text = BLOCK_COMMENT.matcher(text).replaceAll(" ");
        return LINE_COMMENT.matcher(text).replaceAll("");
    }

    /** {@code file}'s first package segment below io.tunebook ({@code eval} for eval/client/X.java). */
    static String stage(Path root, Path file) {
        return root.relativize(file).getName(0).toString();
    }
}
