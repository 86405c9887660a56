package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.eval.TestAdapters;
import io.tunebook.eval.ab.BlindAbSession;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tunebook eval} from a small YAML, then {@code tunebook ab} on what it wrote, rated from piped input. */
class EvalCommandTest {
    @TempDir
    Path tmp;

    Path config(String extra) throws Exception {
        Path adapter = tmp.resolve("adapter");
        if (!Files.exists(adapter)) {
            TestAdapters.randomAdapter(adapter, 9);
        }
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path file = tmp.resolve("eval.yaml");
        Files.writeString(file, "model:\n  path: " + root.resolve("models/tiny-base") + "\n"
                + "candidates:\n  - name: base\n  - name: tuned\n    type: adapter\n    path: adapter\n"
                + "dataset:\n  path: " + root.resolve("datasets/support-fr") + "\n  split: test\n  limit: 5\n"
                + "metrics: [bleu, rougeL, perplexity]\n"
                + "decoding:\n  max_new_tokens: 10\n"
                + "bootstrap:\n  resamples: 100\n"
                + "output:\n  dir: run\n" + extra);
        return file;
    }

    static CliTest.Outcome withInput(String input, String... argv) {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            return CliTest.run(argv);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void evaluatesThenRatesBlindFromPipedInput() throws Exception {
        CliTest.Outcome o = CliTest.run("eval", config("").toString(), "--limit", "4");
        assertEquals(0, o.code(), o.err());
        Path run = tmp.resolve("run");
        JsonObject result = JsonParser.parseString(Files.readString(run.resolve("evaluation.json"))).getAsJsonObject();
        assertEquals(4, result.getAsJsonArray("examples").size(), "--limit overrides dataset.limit");
        assertEquals(2 * 3, result.getAsJsonArray("summary").size());
        assertEquals("base", result.get("reference").getAsString());
        assertEquals(10, result.getAsJsonObject("decoding").get("max_new_tokens").getAsInt());
        assertTrue(Files.readString(run.resolve("evaluation.html")).contains("data:image/png;base64,"));
        assertTrue(o.out().contains("Δ bleu") && o.out().contains("tuned"), o.out());

        Path session = tmp.resolve("ab");
        CliTest.Outcome create = CliTest.run("ab", "create", run.resolve("evaluation.json").toString(),
                "--candidate", "tuned", "--against", "base", "--output", session.toString(), "--seed", "5");
        assertEquals(0, create.code(), create.err());
        assertTrue(Files.exists(session.resolve(BlindAbSession.KEY)));

        CliTest.Outcome first = withInput("A un peu mieux\nZ\nb\nq\n", "ab", "rate", session.toString());
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("Pair 1 of 4") && first.out().contains("[A]"), first.out());
        assertTrue(first.out().contains("a rating is A, B or tie, got 'Z'"), first.out());
        assertTrue(first.out().contains("stopped: 2 of 4 rated"), first.out());

        CliTest.Outcome rest = withInput("tie\nA\n", "ab", "rate", session.toString());
        assertEquals(0, rest.code(), rest.err());
        assertTrue(rest.out().contains("Pair 3 of 4 (2 rated)"), "resumes at the first unrated pair: " + rest.out());
        assertTrue(rest.out().contains("all 4 pairs are rated"), rest.out());
        assertEquals(4, Files.readAllLines(session.resolve(BlindAbSession.RATINGS)).size());

        CliTest.Outcome unblind = CliTest.run("ab", "unblind", session.toString());
        assertEquals(0, unblind.code(), unblind.err());
        assertTrue(unblind.out().contains("tuned") && unblind.out().contains("4/4"), unblind.out());
        JsonObject summary = JsonParser.parseString(Files.readString(session.resolve(AbCommand.UNBLINDED)))
                .getAsJsonObject();
        assertEquals(4, summary.get("judged").getAsInt());
        assertEquals(1, summary.getAsJsonObject("tie").get("count").getAsInt());
        assertEquals(3, summary.getAsJsonObject("win_a").get("count").getAsInt()
                + summary.getAsJsonObject("win_b").get("count").getAsInt());
    }

    @Test
    void unknownKeysAndBadValuesNameTheirKey() throws Exception {
        CliTest.Outcome typo = CliTest.run("eval", config("metrcs: [bleu]\n").toString());
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("unknown key 'metrcs'"), typo.err());
        Files.writeString(tmp.resolve("bad.yaml"), Files.readString(config("")).replace("    path: adapter\n",
                "    path: adapter\n    rank: 8\n"));
        CliTest.Outcome nested = CliTest.run("eval", tmp.resolve("bad.yaml").toString());
        assertEquals(2, nested.code());
        assertTrue(nested.err().contains("unknown key 'candidates[1].rank'"), nested.err());
        Files.writeString(tmp.resolve("metric.yaml"), Files.readString(config("")).replace("perplexity]", "blue]"));
        CliTest.Outcome metric = CliTest.run("eval", tmp.resolve("metric.yaml").toString());
        assertEquals(2, metric.code());
        assertTrue(metric.err().contains("unknown metric 'blue'"), metric.err());
        assertTrue(List.of(CliTest.run("eval", "--help").out().split("\n")).size() > 3);
    }
}
