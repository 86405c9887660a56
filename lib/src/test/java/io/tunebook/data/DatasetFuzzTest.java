package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.fail;

import io.tunebook.Mutations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated rows of every dataset format, as JSONL and as a JSON array: validation, lenient loading,
 * conversion to every format and rendering with a chat template never throw anything but the typed
 * errors they document (a dataset row's problems are issues, not exceptions).
 */
class DatasetFuzzTest {
    private static final List<String> SEEDS = List.of(
            "{\"instruction\":\"Résume\",\"input\":\"Le colis est arrivé.\",\"output\":\"Arrivé.\"}",
            "{\"conversations\":[{\"from\":\"human\",\"value\":\"Bonjour\"},{\"from\":\"gpt\",\"value\":\"Salut\"}]}",
            "{\"messages\":[{\"role\":\"system\",\"content\":\"Sois bref.\"},{\"role\":\"user\",\"content\":\"Où ?\"},"
                    + "{\"role\":\"assistant\",\"content\":\"Ici.\"}]}",
            "{\"input\":\"2+2\",\"output\":\"4\"}",
            "{\"prompt\":\"Capitale ?\",\"completion\":\"Paris\"}",
            "{\"prompt\":\"Choisis\",\"chosen\":\"A\",\"rejected\":\"B\"}");

    @TempDir
    Path dir;

    @Test
    void mutatedRowsOfEveryFormatAreIssuesNotExceptions() throws IOException {
        Mutations m = new Mutations(7);
        int cases = Mutations.cases(300);
        ChatTemplate chatml = ChatTemplate.builtIn("chatml");
        long valid = 0;
        for (int i = 0; i < cases; i++) {
            String seed = SEEDS.get(i % SEEDS.size());
            String row = m.mutate(seed);
            boolean array = i % 5 == 4;
            Path f = dir.resolve(array ? "case.json" : "case.jsonl");
            Files.write(f, (array ? "[" + row + "," + seed + "]" : seed + "\n" + row + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            try {
                valid += Datasets.from(f).validate().validRows();
                Dataset loaded = Datasets.from(f).lenient().load();
                for (DatasetFormat target : DatasetFormat.values()) {
                    try {
                        Datasets.from(f).lenient().convert(target, dir.resolve("out.jsonl"));
                    } catch (ConversionException refused) {
                        // a row this format cannot hold (a preference pair as chat, a system turn as Alpaca)
                    }
                }
                for (Example e : loaded.examples()) {
                    try {
                        chatml.render(e.conversation().messages(), false, Map.of());
                    } catch (ChatTemplateException refused) {
                        // the template refused the conversation
                    }
                }
            } catch (RuntimeException e) {
                fail("case " + i + " (seed 7): " + e + "\nrow: " + row, e);
            }
        }
        System.err.println("DatasetFuzzTest: " + cases + " files of a seed row and a mutated one, " + valid
                + " valid rows in all");
    }
}
