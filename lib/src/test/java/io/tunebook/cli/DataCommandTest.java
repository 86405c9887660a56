package io.tunebook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.tinybase.BpeTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tunebook data ...}: outputs and exit codes (0 done, 1 invalid data, 2 usage). */
class DataCommandTest {
    @TempDir
    Path tmp;

    private static CliTest.Outcome run(String... argv) {
        return CliTest.run(argv);
    }

    private Path file(String name, String... lines) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    private Path good() throws IOException {
        return file("good.jsonl",
                "{\"instruction\":\"Bonjour, où est ma commande ?\",\"input\":\"\",\"output\":\"Elle arrive demain.\",\"category\":\"a\"}",
                "{\"instruction\":\"Merci\",\"input\":\"\",\"output\":\"Bonne journée !\",\"category\":\"b\"}",
                "{\"instruction\":\"Merci\",\"input\":\"\",\"output\":\"Bonne journée !\",\"category\":\"b\"}",
                "{\"instruction\":\"Mon mail ?\",\"input\":\"\",\"output\":\"sav@company.com\",\"category\":\"a\"}");
    }

    private Path bad() throws IOException {
        return file("bad.jsonl",
                "{\"instruction\":\"q\",\"output\":\"a\"}",
                "{\"instruction\":\"q\",\"output\":\"\"}",
                "{oops");
    }

    private static void assertUsage(CliTest.Outcome o) {
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().startsWith("tunebook "), o.err());
    }

    @Test
    void validateReportsAndExitsOneOnlyWhenStrict() throws IOException {
        CliTest.Outcome ok = run("data", "validate", good().toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("all valid"), ok.out());

        CliTest.Outcome lenient = run("data", "validate", bad().toString());
        assertEquals(0, lenient.code());
        assertTrue(lenient.out().contains("bad.jsonl:2") && lenient.out().contains("EMPTY_FIELD"), lenient.out());

        CliTest.Outcome strict = run("data", "validate", bad().toString(), "--strict", "--json");
        assertEquals(1, strict.code());
        JsonObject j = JsonParser.parseString(strict.out()).getAsJsonObject();
        assertFalse(j.get("valid").getAsBoolean());
        JsonArray issues = j.getAsJsonArray("issues");
        assertEquals(2, issues.size());
        assertEquals("output", issues.get(0).getAsJsonObject().get("field").getAsString());
        assertEquals(3, issues.get(1).getAsJsonObject().get("line").getAsInt());
        assertEquals("invalid_json", issues.get(1).getAsJsonObject().get("kind").getAsString());

        CliTest.Outcome forced = run("data", "validate", good().toString(), "--format", "sharegpt", "--strict");
        assertEquals(1, forced.code());
    }

    @Test
    void validateCountsTokensWithARealTokenizer() throws IOException {
        BpeTrainer trainer = new BpeTrainer(300).minFrequency(2);
        trainer.addText("Bonjour, où est ma commande ? Elle arrive demain. Merci, bonne journée ! ".repeat(5));
        Path tok = tmp.resolve("tok");
        trainer.train().write(tok, 1024);
        CliTest.Outcome loose = run("data", "validate", good().toString(), "--max-tokens", "1000", "--tokenizer", tok.toString(),
                "--strict");
        assertEquals(0, loose.code(), loose.out() + loose.err());
        CliTest.Outcome tight = run("data", "validate", good().toString(), "--max-tokens", "3", "--tokenizer", tok.toString(),
                "--strict", "--json");
        assertEquals(1, tight.code());
        assertEquals(4, JsonParser.parseString(tight.out()).getAsJsonObject().getAsJsonObject("counts")
                .get("too_long").getAsInt());
        CliTest.Outcome stats = run("data", "stats", good().toString(), "--tokenizer", tok.toString(), "--json");
        assertEquals(0, stats.code(), stats.err());
        assertTrue(JsonParser.parseString(stats.out()).getAsJsonObject().getAsJsonObject("tokens_per_example")
                .get("max").getAsInt() > 3);
    }

    @Test
    void usageErrorsExitTwoOnOneLine() throws IOException {
        Path g = good();
        assertUsage(run("data"));
        assertUsage(run("data", "frobnicate", g.toString()));
        assertUsage(run("data", "validate"));
        assertUsage(run("data", "validate", g.toString(), "--bogus"));
        assertUsage(run("data", "validate", tmp.resolve("missing.jsonl").toString()));
        assertUsage(run("data", "validate", g.toString(), "--format", "csv"));
        assertUsage(run("data", "validate", g.toString(), "--max-tokens", "10"));
        assertUsage(run("data", "validate", g.toString(), "--max-tokens", "ten", "--tokenizer", tmp.toString()));
        assertUsage(run("data", "convert", g.toString(), "--output", tmp.resolve("o.jsonl").toString()));
        assertUsage(run("data", "convert", g.toString(), "--to", "sharegpt"));
        assertUsage(run("data", "split", g.toString(), "--output-dir", tmp.toString(), "--validation", "1.5"));
        assertUsage(run("data", "split", g.toString(), "--output-dir", tmp.toString(), "--seed", "x"));
        assertUsage(run("data", "clean", g.toString(), "--output", "o.jsonl", "--emails", "shout"));
        assertUsage(run("data", "clean", g.toString(), "--output", "o.jsonl", "--max-tokens", "5"));
    }

    @Test
    void helpForEverySubcommand() {
        for (String sub : new String[] {"validate", "stats", "convert", "split", "clean"}) {
            CliTest.Outcome o = run("data", sub, "--help");
            assertEquals(0, o.code());
            assertTrue(o.out().contains("tunebook data " + sub), o.out());
        }
        assertTrue(run("--help").out().contains("data"));
    }

    @Test
    void statsAsJsonAndText() throws IOException {
        CliTest.Outcome o = run("data", "stats", good().toString(), bad().toString(), "--json");
        assertEquals(0, o.code(), o.err());
        JsonObject j = JsonParser.parseString(o.out()).getAsJsonObject();
        assertEquals(5, j.get("examples").getAsInt());
        assertEquals(5, j.getAsJsonObject("formats").get("alpaca").getAsInt());
        assertEquals(2, j.get("invalid_rows").getAsInt());
        CliTest.Outcome text = run("data", "stats", good().toString());
        assertTrue(text.out().contains("user turns"), text.out());
    }

    @Test
    void convertWritesTheTargetFormatAndFailsWithOneOnBadData() throws IOException {
        Path out = tmp.resolve("out.jsonl");
        CliTest.Outcome o = run("data", "convert", good().toString(), "--to", "sharegpt", "--output", out.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals(4, Files.readAllLines(out).size());
        assertTrue(Files.readString(out).contains("\"from\":\"gpt\""));
        CliTest.Outcome back = run("data", "validate", out.toString(), "--strict");
        assertEquals(0, back.code(), back.out());

        Path out2 = tmp.resolve("out2.jsonl");
        CliTest.Outcome invalid = run("data", "convert", bad().toString(), "--to", "openai", "--output", out2.toString());
        assertEquals(1, invalid.code());
        assertTrue(invalid.err().contains("bad.jsonl:2"), invalid.err());
        assertFalse(Files.exists(out2));
        CliTest.Outcome lenient = run("data", "convert", bad().toString(), "--to", "openai", "--output", out2.toString(),
                "--lenient");
        assertEquals(0, lenient.code());
        assertTrue(lenient.out().contains("2 invalid rows skipped"), lenient.out());

        Path chat = file("chat.jsonl", "{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
                + "{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}");
        CliTest.Outcome cannot = run("data", "convert", chat.toString(), "--to", "input-output", "--output", out2.toString());
        assertEquals(1, cannot.code());
        assertTrue(cannot.err().contains("chat.jsonl:1"), cannot.err());
    }

    @Test
    void splitWritesSeededFiles() throws IOException {
        Path dir = tmp.resolve("splits");
        CliTest.Outcome o = run("data", "split", good().toString(), "--output-dir", dir.toString(), "--validation", "0.25",
                "--seed", "3", "--stratify", "category");
        assertEquals(0, o.code(), o.err());
        assertEquals(3, Files.readAllLines(dir.resolve("train.jsonl")).size());
        assertEquals(1, Files.readAllLines(dir.resolve("validation.jsonl")).size());
        assertFalse(Files.exists(dir.resolve("test.jsonl")));
        assertTrue(Files.readString(dir.resolve("train.jsonl")).contains("\"instruction\""), "kept alpaca");
        String first = Files.readString(dir.resolve("validation.jsonl"));
        run("data", "split", good().toString(), "--output-dir", dir.toString(), "--validation", "0.25", "--seed", "3",
                "--stratify", "category");
        assertEquals(first, Files.readString(dir.resolve("validation.jsonl")));
    }

    @Test
    void cleanRemovesDuplicatesAndFlagsEmails() throws IOException {
        Path out = tmp.resolve("clean.json");
        Path report = tmp.resolve("report.json");
        CliTest.Outcome o = run("data", "clean", good().toString(), "--output", out.toString(), "--emails", "flag",
                "--report", report.toString(), "--to", "openai");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("EXACT_DUPLICATE") && o.out().contains("good.jsonl:3")
                && o.out().contains("good.jsonl:2"), o.out());
        assertEquals(3, JsonParser.parseString(Files.readString(out)).getAsJsonArray().size());
        JsonObject r = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        assertEquals(1, r.getAsJsonArray("flags").size());
        assertEquals("sav@company.com", r.getAsJsonArray("flags").get(0).getAsJsonObject().get("match").getAsString());

        CliTest.Outcome json = run("data", "clean", good().toString(), "--output", out.toString(), "--json",
                "--near-dup-threshold", "0.9", "--no-exact-dup");
        assertEquals(0, json.code(), json.err());
        assertEquals(1, JsonParser.parseString(json.out()).getAsJsonObject().getAsJsonObject("removed_by_reason")
                .get("near_duplicate").getAsInt());
    }
}
