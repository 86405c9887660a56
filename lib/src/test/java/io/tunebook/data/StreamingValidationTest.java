package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file far larger than the heap validates: a ~200 MB JSONL file and a ~50 MB JSON array are
 * validated by a child JVM limited to a 32 MB heap, which would fail with an OutOfMemoryError if
 * rows (or issues) were kept.
 */
class StreamingValidationTest {
    private static final int HEAP_MB = 32;

    @TempDir
    Path tmp;

    @Test
    void hugeFilesValidateInBoundedMemory() throws Exception {
        String answer = "Voici la procédure de remboursement en trois étapes : contactez le service client, "
                .repeat(10);
        Path jsonl = tmp.resolve("big.jsonl");
        long rows = 0;
        long bad = 0;
        try (BufferedWriter w = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
            while (rows < 210_000) {
                rows++;
                if (rows % 1000 == 0) {
                    w.write("{\"messages\":[{\"role\":\"user\",\"content\":\"question " + rows + "\"}]}\n");
                    bad++;
                } else {
                    w.write("{\"messages\":[{\"role\":\"user\",\"content\":\"question " + rows
                            + "\"},{\"role\":\"assistant\",\"content\":\"" + answer + "\"}],\"id\":" + rows + "}\n");
                }
            }
        }
        Path array = tmp.resolve("big.json");
        long arrayRows = 60_000;
        try (BufferedWriter w = Files.newBufferedWriter(array, StandardCharsets.UTF_8)) {
            w.write("[\n");
            for (long i = 1; i <= arrayRows; i++) {
                w.write("  {\"instruction\": \"question " + i + "\", \"input\": \"\", \"output\": \"" + answer + "\"}"
                        + (i < arrayRows ? ",\n" : "\n"));
            }
            w.write("]\n");
        }
        long size = Files.size(jsonl);
        assertTrue(size > 190L << 20, "the JSONL file is " + (size >> 20) + " MB");
        assertTrue(Files.size(array) > (HEAP_MB + 8L) << 20, "the array file is " + (Files.size(array) >> 20) + " MB");

        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Xmx" + HEAP_MB + "m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), StreamingValidationMain.class.getName(), jsonl.toString(),
                array.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        List<Long> n = java.util.Arrays.stream(out.split("\\s+")).map(Long::parseLong).toList();
        assertEquals(List.of(rows, rows - bad, bad, bad, arrayRows, arrayRows, 0L, 0L), n.subList(0, 8), out);
        assertTrue(n.get(8) <= (HEAP_MB + 1L) << 20, "max heap " + n.get(8));
    }
}
