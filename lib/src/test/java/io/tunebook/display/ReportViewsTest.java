package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.data.CleaningResult;
import io.tunebook.data.Cleaner;
import io.tunebook.data.Conversation;
import io.tunebook.data.Dataset;
import io.tunebook.data.DatasetStats;
import io.tunebook.data.Datasets;
import io.tunebook.data.Example;
import io.tunebook.data.Message;
import io.tunebook.data.PiiAction;
import io.tunebook.data.TokenCounter;
import io.tunebook.data.ValidationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The views of dataset statistics, validation and cleaning reports. */
class ReportViewsTest {
    @TempDir
    Path tmp;

    private static Dataset small() {
        return Dataset.of(
                Example.of(Conversation.of(Message.system("Sois bref & <poli>."), Message.user("Bonjour"),
                        Message.assistant("Salut"))),
                Example.of(Conversation.of(Message.user("Un"), Message.assistant("1"), Message.user("Deux"),
                        Message.assistant("22"))),
                Example.of(Conversation.of("Trois", "333")));
    }

    @Test
    void statsTablesHoldTheDistributionsAndTheRoleBalance() {
        StatsView view = StatsView.of(DatasetStats.of(small()));
        Table summary = view.summary();
        assertEquals(List.of("examples", "preference pairs", "with a system prompt"),
                summary.stringColumn("item").asList());
        assertEquals(List.of(3L, 0L, 1L), summary.longColumn("count").asList());

        Table per = view.perExample();
        assertEquals(List.of("messages", "user turns", "characters"), per.stringColumn("per example").asList(),
                "no token row without a counter");
        assertEquals(List.of(2L, 1L, 2L), List.of(per.longColumn("max").get(1), per.longColumn("min").get(1),
                per.longColumn("p95").get(1)), "user turns: min 1, max 2");

        Table roles = view.roles();
        assertEquals(List.of("system", "user", "assistant"), roles.stringColumn("role").asList());
        assertEquals(List.of(1L, 4L, 4L), roles.longColumn("messages").asList());
        assertEquals(100.0 * 4 / 9, roles.doubleColumn("% messages").get(1), 1e-9);
        assertEquals((5 + 1 + 2 + 3) / 4.0, roles.doubleColumn("characters per message").get(2), 1e-9);
        assertEquals("44.4", roles.doubleColumn("% messages").getString(1));

        MimeBundle bundle = view.mimeBundle();
        assertTrue(bundle.text().contains("user turns     1       1   1.3    2    2"), bundle.text());
        String html = bundle.html().orElseThrow();
        assertEquals(3, html.split("<table class=\"tunebook\"", -1).length - 1, "three tables");
        assertFalse(html.contains("<img"), "no histogram without token counts");
        assertThrows(IllegalStateException.class, () -> view.maxLength(10));
    }

    @Test
    void statsOfADatasetCarryTheTokenHistogram() {
        StatsView view = StatsView.of(small(), TokenCounter.codePoints()).maxLength(10);
        TokenHistogram h = view.histogram().orElseThrow();
        assertEquals(3, h.examples());
        assertEquals(view.stats().tokens().max(), h.distribution().max());
        assertEquals(19 + 7 + 5, h.distribution().max(), "system, user and assistant of the first example");
        assertEquals(1, h.overMaxLength());
        assertEquals("tokens", view.perExample().stringColumn(0).get(3));
        String html = view.mimeBundle().html().orElseThrow();
        assertTrue(html.contains("<img alt=\"tokens per example (3 examples): min "), html);
        assertTrue(view.mimeBundle().text().contains("1 over the max length 10"));
    }

    @Test
    void validationViewListsFilesKindsAndTheFirstIssuesWithTheirLocation() throws IOException {
        Path file = tmp.resolve("bad.jsonl");
        Files.writeString(file, """
                {"instruction": "ok", "output": "fine"}
                {"instruction": "", "output": "empty instruction"}
                not json
                {"instruction": "x", "output": "<b>y</b> & z"}
                {"instruction": "no output"}
                """);
        ValidationReport report = Datasets.from(file).lenient().validate();
        ValidationView view = ValidationView.of(report).limit(2);
        assertEquals("3 of 5 rows invalid, 3 issues; lenient: 3 rows skipped", view.verdict());
        assertEquals(List.of(5L), view.files().longColumn("rows").asList());
        assertEquals(3L, view.issuesByKind().longColumn("issues").asList().stream().mapToLong(Long::longValue).sum());
        Table issues = view.issues();
        assertEquals("First 2 of 3 issues", issues.name());
        assertEquals(List.of(file + ":2", file + ":3"), issues.stringColumn("location").asList());
        assertEquals("instruction", issues.stringColumn("field").get(0));
        assertEquals(List.of("EMPTY_FIELD", "INVALID_JSON"), issues.stringColumn("kind").asList());
        String text = view.mimeBundle().text();
        assertTrue(text.startsWith("3 of 5 rows invalid"), text);
        assertTrue(text.contains(file + ":3"), text);
        assertTrue(view.mimeBundle().html().orElseThrow().contains("Issues by kind"));

        ValidationView clean = ValidationView.of(Datasets.from(file).lenient().maxTokens(1000,
                TokenCounter.codePoints()).validate());
        assertTrue(clean.issues().rowCount() <= ValidationView.DEFAULT_LIMIT);
        assertThrows(IllegalArgumentException.class, () -> view.limit(-1));
    }

    @Test
    void cleaningViewShowsReasonsDuplicatesSideBySideAndPersonalData() {
        String tip = "Pour changer votre mot de passe, ouvrez Paramètres puis Sécurité et suivez les étapes "
                + "indiquées à l'écran, cela prend deux minutes.";
        Dataset raw = Dataset.of(
                Example.of(Conversation.of("Mot de passe ?", tip)),
                Example.of(Conversation.of("Mot de passe ?", tip)),
                Example.of(Conversation.of("Mot de passe ??", tip + " Merci !")),
                Example.of(Conversation.of("Contact : marie@example.com", "Noté <ok> & merci.")),
                Example.of(Conversation.of("Court", "x")));
        CleaningResult r = raw.clean(Cleaner.builder().emails(PiiAction.FLAG).minTokens(7)
                .tokenCounter(TokenCounter.codePoints()).build());
        CleaningView view = CleaningView.of(r.report()).withTexts(raw);
        Table reasons = view.removedByReason();
        assertEquals(r.report().countsByReason().size(), reasons.rowCount());
        Table dups = view.duplicates();
        assertEquals(List.of("removed", "kept instead", "similarity", "removed text", "kept text"), dups.columnNames());
        assertTrue(dups.rowCount() >= 1);
        assertEquals("<memory>#1", dups.stringColumn("removed").get(0), "the exact duplicate comes first");
        assertEquals("<memory>#0", dups.stringColumn("kept instead").get(0));
        assertEquals("1.00", dups.doubleColumn("similarity").getString(0));
        assertTrue(dups.stringColumn("kept text").get(0).startsWith("user: Mot de passe ?↵".replace("↵", "\n")));
        assertEquals(CleaningView.TEXT_WIDTH, dups.stringColumn("kept text").get(0).length());
        assertEquals(List.of("marie@example.com"), view.personalData().stringColumn("match").asList());
        assertEquals(List.of("TOO_SHORT"), view.otherRemovals().stringColumn("reason").asList());
        assertEquals(List.of("removed", "kept instead", "similarity"),
                CleaningView.of(r.report()).duplicates().columnNames(), "no texts without the dataset");

        MimeBundle bundle = view.mimeBundle();
        assertTrue(bundle.text().startsWith("5 examples in, "), bundle.text());
        assertTrue(bundle.text().contains("marie@example.com"));
        assertFalse(bundle.html().orElseThrow().contains("<ok>"), "texts are escaped");
        assertEquals("Duplicates (first 1 of " + dups.rowCount() + ")", view.limit(1).duplicates().name());
    }
}
