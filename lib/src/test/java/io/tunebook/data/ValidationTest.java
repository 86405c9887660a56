package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad row is reported with its file, line and field; strict fails, lenient skips. */
class ValidationTest {
    @TempDir
    Path tmp;

    private static final String OK = "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}";

    private ValidationReport validate(String... lines) {
        return Datasets.from(Files2.lines(tmp, "d.jsonl", lines)).validate();
    }

    private static void assertIssue(ValidationReport r, long line, String field, IssueKind kind) {
        List<Issue> at = r.issues().stream().filter(i -> i.line() == line).toList();
        assertTrue(at.stream().anyMatch(i -> i.kind() == kind && i.field().equals(field)),
                "expected " + kind + " at line " + line + " field '" + field + "', got " + at);
    }

    @Test
    void duplicateKeysAndLoneSurrogatesAreReportedWithTheirField() throws IOException {
        ValidationReport r = validate(OK,
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\",\"content\":\"r\"},"
                        + "{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "{\"instruction\":\"q\",\"output\":\"a\\ud83d b\"}",
                "{\"prompt\":\"q\",\"prompt\":\"r\",\"completion\":\"a\"}");
        assertEquals(1, r.validRows());
        assertIssue(r, 2, "messages[0].content", IssueKind.INVALID_JSON);
        assertIssue(r, 3, "output", IssueKind.INVALID_ENCODING);
        assertIssue(r, 4, "prompt", IssueKind.INVALID_JSON);
        assertTrue(r.issues().stream().anyMatch(i -> i.message().contains("key 'prompt' appears twice")), r.issues()
                .toString());
    }

    @Test
    void tokenCountingOfAHugeRowStopsPastTheLimit() throws IOException {
        long[] counted = {0};
        TokenCounter words = text -> {
            counted[0] += text.length();
            return text.isBlank() ? 0 : text.strip().split("\\s+").length;
        };
        String huge = "mot ".repeat(2_000_000);
        assertEquals(101, words.countUpTo(huge, 100));
        assertTrue(counted[0] < 10_000, "counted " + counted[0] + " characters of 8,000,000 for a limit of 100");
        assertEquals(3, words.countUpTo("un deux trois", 100));
        assertEquals(3, words.countUpTo("un deux trois", 3));
        assertEquals(3, words.countUpTo("un deux trois quatre", 2));
        Path f = Files2.lines(tmp, "huge.jsonl", "{\"prompt\":\"q\",\"completion\":\"" + huge + "\"}", "{\"prompt\":\"q\",\"completion\":\"a b\"}");
        counted[0] = 0;
        ValidationReport r = Datasets.from(f).maxTokens(10, words).validate();
        assertEquals(1, r.validRows());
        assertTrue(r.issues().stream().anyMatch(i -> i.line() == 1 && i.kind() == IssueKind.TOO_LONG
                && i.message().equals("over 26 tokens, more than the maximum of 10")), r.issues().toString());
        assertTrue(counted[0] < 10_000, "counted " + counted[0]);
    }

    @Test
    void everyKindIsReportedWithFileLineAndField() throws IOException {
        Path f = Files2.lines(tmp, "chat.jsonl",
                OK,                                                                                       // 1
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}",                                   // 2 invalid JSON
                "[1, 2]",                                                                                 // 3 not an object
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\"}]}",       // 4 missing content
                "{\"messages\":[{\"role\":\"user\",\"content\":\"  \"},{\"role\":\"assistant\",\"content\":\"a\"}]}", // 5 empty
                "{\"messages\":[{\"role\":\"user\",\"content\":42},{\"role\":\"assistant\",\"content\":\"a\"}]}",    // 6 non-string
                "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"a\"}]}", // 7 role
                "{\"messages\":[{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"q\"},"
                        + "{\"role\":\"assistant\",\"content\":\"a\"}]}",                                 // 8 order
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"},"
                        + "{\"role\":\"user\",\"content\":\"q2\"}]}",                                     // 9 no final assistant
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"system\",\"content\":\"s\"},"
                        + "{\"role\":\"assistant\",\"content\":\"a\"}]}",                                 // 10 system late
                "{\"messages\":\"hello\"}",                                                               // 11 wrong type
                "{\"messages\":[]}",                                                                      // 12 empty list
                "{\"id\":1}",                                                                             // 13 missing
                OK + " trailing",                                                                         // 14 invalid JSON
                "{'messages': []}");                                                                      // 15 not strict JSON
        byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'};
        Files.write(f, bad, java.nio.file.StandardOpenOption.APPEND);                                      // 16 bad UTF-8
        ValidationReport r = Datasets.from(f).validate();
        assertEquals(16, r.rows());
        assertEquals(1, r.validRows());
        assertIssue(r, 2, "", IssueKind.INVALID_JSON);
        assertIssue(r, 3, "", IssueKind.NOT_AN_OBJECT);
        assertIssue(r, 4, "messages[1].content", IssueKind.MISSING_FIELD);
        assertIssue(r, 5, "messages[0].content", IssueKind.EMPTY_FIELD);
        assertIssue(r, 6, "messages[0].content", IssueKind.WRONG_TYPE);
        assertIssue(r, 7, "messages[0].role", IssueKind.UNKNOWN_ROLE);
        assertIssue(r, 8, "messages[0].role", IssueKind.TURN_ORDER);
        assertIssue(r, 9, "messages", IssueKind.NO_FINAL_ASSISTANT);
        assertIssue(r, 10, "messages[1].role", IssueKind.TURN_ORDER);
        assertIssue(r, 11, "messages", IssueKind.WRONG_TYPE);
        assertIssue(r, 12, "messages", IssueKind.EMPTY_FIELD);
        assertIssue(r, 13, "messages", IssueKind.MISSING_FIELD);
        assertIssue(r, 14, "", IssueKind.INVALID_JSON);
        assertIssue(r, 15, "", IssueKind.INVALID_JSON);
        assertIssue(r, 16, "", IssueKind.INVALID_ENCODING);
        for (Issue i : r.issues()) {
            assertEquals(f, i.file());
            assertFalse(i.message().isBlank(), i.toString());
        }
        assertTrue(r.issues().get(0).message().contains("column"), r.issues().get(0).message());
        assertFalse(r.isValid());
    }

    @Test
    void tooLongRowsAreCountedInTokens() {
        Path f = Files2.lines(tmp, "long.jsonl",
                "{\"input\":\"one two\",\"output\":\"three\"}",
                "{\"input\":\"one two three four\",\"output\":\"five six\"}");
        TokenCounter words = text -> text.split("\\s+").length;
        ValidationReport r = Datasets.from(f).maxTokens(4, words).validate();
        assertEquals(1, r.invalidRows());
        Issue i = r.issues().get(0);
        assertEquals(IssueKind.TOO_LONG, i.kind());
        assertEquals(2, i.line());
        assertEquals("input/output", i.field());
        assertTrue(i.message().startsWith("6 tokens"), i.message());
    }

    @Test
    void preferenceTokenLengthIsPromptPlusTheLongerAnswer() {
        Example e = Example.of(new Preference(Conversation.of(Message.user("a b")), "c", "d e f"));
        assertEquals(5, ((TokenCounter) text -> text.split(" ").length).count(e));
    }

    @Test
    void fieldsOfEachFormatAreNamed() {
        ValidationReport r = validate(
                "{\"instruction\":\"i\",\"output\":\"\"}",
                "{\"instruction\":\"i\",\"output\":\"o\",\"history\":[[\"q\"]]}",
                "{\"instruction\":[\"i\"],\"output\":\"o\"}");
        assertIssue(r, 1, "output", IssueKind.EMPTY_FIELD);
        assertIssue(r, 2, "history[0]", IssueKind.WRONG_TYPE);
        assertIssue(r, 3, "instruction", IssueKind.WRONG_TYPE);

        ValidationReport s = Datasets.from(Files2.lines(tmp, "s.jsonl",
                "{\"conversations\":[{\"from\":\"human\",\"value\":\"q\"},{\"from\":\"bot\",\"value\":\"a\"}]}",
                "{\"conversations\":[{\"from\":\"human\",\"value\":\"q\"},{\"from\":\"human\",\"value\":\"a\"}]}"))
                .validate();
        assertIssue(s, 1, "conversations[1].from", IssueKind.UNKNOWN_ROLE);
        assertIssue(s, 2, "conversations[1].from", IssueKind.TURN_ORDER);

        ValidationReport p = Datasets.from(Files2.lines(tmp, "p.jsonl",
                "{\"prompt\":\"q\",\"chosen\":\"a\"}",
                "{\"prompt\":\"q\",\"chosen\":\"a\",\"rejected\":5}",
                "{\"prompt\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"x\"}],"
                        + "\"chosen\":\"a\",\"rejected\":\"b\"}"))
                .validate();
        assertIssue(p, 1, "rejected", IssueKind.MISSING_FIELD);
        assertIssue(p, 2, "rejected", IssueKind.WRONG_TYPE);
        assertIssue(p, 3, "prompt", IssueKind.TURN_ORDER);
    }

    @Test
    void aRowWithSeveralProblemsReportsThemAll() {
        ValidationReport r = validate("{\"messages\":[{\"role\":\"robot\",\"content\":\"\"},{\"content\":\"a\"}]}");
        assertEquals(1, r.invalidRows());
        assertEquals(3, r.issueCount());
        assertIssue(r, 1, "messages[0].role", IssueKind.UNKNOWN_ROLE);
        assertIssue(r, 1, "messages[0].content", IssueKind.EMPTY_FIELD);
        assertIssue(r, 1, "messages[1].role", IssueKind.MISSING_FIELD);
    }

    @Test
    void strictLoadingFailsWithTheWholeReport() {
        Path f = Files2.lines(tmp, "d.jsonl", OK, "{\"messages\":[]}", OK, "not json");
        ValidationException e = assertThrows(ValidationException.class, () -> Datasets.load(f));
        ValidationReport r = e.report();
        assertEquals(4, r.rows());
        assertEquals(2, r.invalidRows());
        assertEquals(0, r.skippedRows());
        assertEquals(List.of(2L, 4L), r.issues().stream().map(Issue::line).toList());
        assertTrue(e.getMessage().contains("d.jsonl:2"), e.getMessage());
        assertTrue(r.toString().contains("strict"), r.toString());
    }

    @Test
    void lenientLoadingSkipsCountsAndReportsTheBadRows() {
        Path f = Files2.lines(tmp, "d.jsonl", OK, "{\"messages\":[]}", OK, "not json");
        Dataset d = Datasets.from(f).lenient().load();
        assertEquals(2, d.size());
        assertEquals(List.of(1L, 3L), d.stream().map(e -> e.source().line()).toList());
        ValidationReport r = d.validation();
        assertTrue(r.lenient());
        assertEquals(2, r.skippedRows());
        assertEquals(1, r.count(IssueKind.EMPTY_FIELD));
        assertEquals(1, r.count(IssueKind.INVALID_JSON));
        String text = r.toString();
        assertTrue(text.contains("d.jsonl:2") && text.contains("2 rows skipped"), text);
    }

    @Test
    void jsonReportNamesEveryIssue() {
        ValidationReport r = validate(OK, "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}");
        JsonObject j = JsonParser.parseString(r.toJson()).getAsJsonObject();
        assertFalse(j.get("valid").getAsBoolean());
        assertEquals(2, j.get("rows").getAsInt());
        assertEquals(1, j.getAsJsonObject("counts").get("no_final_assistant").getAsInt());
        JsonObject issue = j.getAsJsonArray("issues").get(0).getAsJsonObject();
        assertEquals(2, issue.get("line").getAsInt());
        assertEquals("messages", issue.get("field").getAsString());
        assertTrue(issue.get("file").getAsString().endsWith("d.jsonl"));
        assertEquals("openai", j.getAsJsonArray("files").get(0).getAsJsonObject().get("format").getAsString());
    }

    @Test
    void issuesBeyondTheLimitAreCountedNotKept() {
        String[] lines = new String[50];
        java.util.Arrays.fill(lines, "{\"messages\":[]}");
        ValidationReport r = Datasets.from(Files2.lines(tmp, "d.jsonl", lines)).maxIssues(10).validate();
        assertEquals(10, r.issues().size());
        assertEquals(50, r.issueCount());
        assertTrue(r.truncated());
        assertTrue(r.toString().contains("40 more"), r.toString());
    }

    @Test
    void aBrokenJsonArrayIsReportedAtItsLine() {
        Path f = Files2.lines(tmp, "a.json",
                "[",
                "  {\"input\": \"a\", \"output\": \"b\"},",
                "  {\"input\": \"c\", \"output\": }",
                "]");
        ValidationReport r = Datasets.from(f).validate();
        assertEquals(1, r.validRows());
        Issue i = r.issues().get(0);
        assertEquals(IssueKind.INVALID_JSON, i.kind());
        assertEquals(3, i.line());
        assertTrue(i.message().contains("rest of the file"), i.message());
    }

    @Test
    void aJsonFileThatIsNotAnArrayIsExplained() {
        Path f = Files2.lines(tmp, "obj.json", "{", "  \"data\": []", "}");
        Issue i = Datasets.from(f).validate().issues().get(0);
        assertEquals(1, i.line());
        assertTrue(i.message().contains("JSON array"), i.message());
    }

    @Test
    void aMissingFileIsAnError() {
        assertThrows(java.io.UncheckedIOException.class, () -> Datasets.load(tmp.resolve("nope.jsonl")));
    }
}
