package io.tunebook.data;

import java.nio.file.Path;

/**
 * Validates files in a JVM started with a small heap by {@link StreamingValidationTest}; prints
 * rows, valid rows, issues, kept issues and the peak heap used, on one line.
 */
public final class StreamingValidationMain {
    private StreamingValidationMain() {
    }

    public static void main(String[] args) {
        long peak = 0;
        StringBuilder out = new StringBuilder();
        for (String f : args) {
            ValidationReport r = Datasets.from(Path.of(f)).validate();
            Runtime rt = Runtime.getRuntime();
            peak = Math.max(peak, rt.totalMemory() - rt.freeMemory());
            out.append(r.rows()).append(' ').append(r.validRows()).append(' ').append(r.issueCount()).append(' ')
                    .append(r.issues().size()).append(' ');
        }
        System.out.println(out.append(Runtime.getRuntime().maxMemory()).toString().trim());
    }
}
