package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.data.CleaningResult;
import io.tunebook.data.Cleaner;
import io.tunebook.data.Conversation;
import io.tunebook.data.Dataset;
import io.tunebook.data.Datasets;
import io.tunebook.data.Example;
import io.tunebook.data.Message;
import io.tunebook.data.PiiAction;
import io.tunebook.data.Preference;
import io.tunebook.data.TokenCounter;
import io.tunebook.data.ValidationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class DatasetPreviewTest {
    @TempDir
    Path tmp;

    /** 40 single exchanges whose answers grow irregularly in length. */
    private static Dataset exchanges() {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            out.add(Example.of(Conversation.of("question " + i, "réponse " + i + " " + "x".repeat((i * 37) % 101))));
        }
        return Dataset.of(out);
    }

    private static List<Integer> indices(DatasetPreview p) {
        return p.table().intColumn("#").asList();
    }

    @Test
    void headShowsTheFirstRowsInOrder() {
        DatasetPreview p = DatasetPreview.of(exchanges()).head(5);
        assertEquals(List.of(0, 1, 2, 3, 4), indices(p));
        assertEquals("first 5 of 40 examples", p.title());
        assertEquals(List.of("#", "source", "format", "prompt", "answer"), p.table().columnNames(),
                "no system, turns, rejected, tokens or flags column when nothing needs them");
        assertEquals("question 3", p.table().stringColumn("prompt").get(3));
        assertEquals("<memory>#3", p.table().stringColumn("source").get(3));
        assertEquals(40, DatasetPreview.of(exchanges()).head(100).table().rowCount(), "all when fewer");
        assertThrows(IllegalArgumentException.class, () -> DatasetPreview.of(exchanges()).head(-1));
    }

    @Test
    void sampleIsSeededDistinctAndInDatasetOrder() {
        Dataset d = exchanges();
        List<Integer> a = indices(DatasetPreview.of(d).sample(10, 7));
        assertEquals(a, indices(DatasetPreview.of(d).sample(10, 7)), "same seed, same rows");
        assertNotEquals(a, indices(DatasetPreview.of(d).sample(10, 8)), "another seed, other rows");
        assertEquals(10, a.stream().distinct().count());
        assertEquals(a.stream().sorted().toList(), a);
        assertTrue(a.stream().allMatch(i -> i >= 0 && i < 40));
        assertTrue(a.get(9) > 9, "not simply the head: " + a);
        assertEquals(IntStream.range(0, 40).boxed().toList(), indices(DatasetPreview.of(d).sample(50, 1)));
    }

    @Test
    void longestAreReallyTheLongestLongestFirst() {
        Dataset d = exchanges();
        TokenCounter chars = TokenCounter.codePoints();
        DatasetPreview p = DatasetPreview.of(d).longest(6, chars);
        List<Integer> expected = IntStream.range(0, d.size()).boxed()
                .sorted(Comparator.<Integer>comparingInt(i -> -chars.count(d.get(i))).thenComparingInt(i -> i))
                .limit(6).toList();
        assertEquals(expected, indices(p));
        List<Integer> tokens = p.table().intColumn("tokens").asList();
        assertEquals(tokens.stream().sorted(Comparator.reverseOrder()).toList(), tokens);
        int shortestShown = tokens.get(tokens.size() - 1);
        long longer = d.stream().filter(e -> chars.count(e) > shortestShown).count();
        assertTrue(longer < 6, "no example outside the preview is longer than the ones shown");
    }

    @Test
    void longTextIsCutAtTheWidthAndMarkupIsEscaped() {
        String hostile = "<script>alert('x')</script> Tom & Jerry " + "blabla ".repeat(30);
        Dataset d = Dataset.of(Example.of(Conversation.of(hostile, "ok & <b>done</b>")));
        DatasetPreview p = DatasetPreview.of(d).width(36).head(1);
        String cell = p.table().stringColumn("prompt").get(0);
        assertEquals(36, cell.codePointCount(0, cell.length()));
        assertTrue(cell.endsWith(Tables.ELLIPSIS));
        String html = p.mimeBundle().html().orElseThrow();
        assertFalse(html.contains("<script>") || html.contains("<b>"), html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Tom &amp; J…"), html);
        assertTrue(html.contains("ok &amp; &lt;b&gt;done&lt;/b&gt;"), html);
        String text = p.mimeBundle().text();
        assertTrue(text.contains("<script>alert('x')</script> Tom & J…"), "plain text is not escaped: " + text);
        String byDefault = DatasetPreview.of(d).head(1).table().stringColumn("prompt").get(0);
        assertEquals(DatasetPreview.DEFAULT_WIDTH, byDefault.codePointCount(0, byDefault.length()));
        assertThrows(IllegalArgumentException.class, () -> DatasetPreview.of(d).width(2));
    }

    @Test
    void columnsFollowTheRows() {
        Example system = Example.of(Conversation.of(Message.system("Tu es poli."), Message.user("Salut"),
                Message.assistant("Bonjour !")));
        Example multi = Example.of(Conversation.of(Message.user("Un ?"), Message.assistant("1"),
                Message.user("Deux ?"), Message.assistant("2")));
        Example pair = Example.of(new Preference(Conversation.of(Message.user("Poli ?")), "Oui, merci.", "Non."));
        DatasetPreview p = DatasetPreview.of(Dataset.of(system, multi, pair)).tokens(TokenCounter.codePoints()).head(3);
        assertEquals(List.of("#", "source", "format", "system", "turns", "prompt", "answer", "rejected", "tokens"),
                p.table().columnNames());
        Table t = p.table();
        assertEquals("Tu es poli.", t.stringColumn("system").get(0));
        assertEquals(List.of(1, 2, 1), t.intColumn("turns").asList());
        assertEquals("user: Un ?\nassistant: 1\nuser: Deux ?", t.stringColumn("prompt").get(1));
        assertEquals("2", t.stringColumn("answer").get(1));
        assertEquals("Non.", t.stringColumn("rejected").get(2));
        assertEquals("", t.stringColumn("rejected").get(0));
        assertEquals(List.of(11 + 5 + 9, 4 + 1 + 6 + 1, 6 + 11), t.intColumn("tokens").asList(),
                "a pair counts its prompt and its longer answer");
        assertTrue(p.mimeBundle().text().contains("user: Un ?↵assistant: 1↵user: Deux ?"), p.mimeBundle().text());
    }

    @Test
    void flaggedByCleaningShowsRemovalsAndPersonalDataWithTheirReasons() {
        Dataset raw = Dataset.of(
                Example.of(Conversation.of("Comment changer mon mot de passe ?", "Allez dans Paramètres.")),
                Example.of(Conversation.of("Écrivez-moi à jean@example.org", "Bien reçu.")),
                Example.of(Conversation.of("Comment changer mon mot de passe ?", "Allez dans Paramètres.")),
                Example.of(Conversation.of("Quelle heure ?", "Midi.")));
        CleaningResult cleaned = raw.clean(Cleaner.builder().emails(PiiAction.FLAG).build());
        DatasetPreview before = DatasetPreview.of(raw).flagged(cleaned.report());
        assertEquals(List.of(1, 2), indices(before));
        assertEquals("2 flagged of 4 examples", before.title());
        List<String> flags = before.table().stringColumn("flags").asList();
        assertEquals("EMAIL jean@example.org in messages[0] (FLAG)", flags.get(0));
        assertEquals("EXACT_DUPLICATE of <memory>#0 (1.00)", flags.get(1));
        DatasetPreview after = DatasetPreview.of(cleaned.dataset()).flagged(cleaned.report());
        assertEquals(List.of(1), indices(after), "the duplicate is gone, the flagged example stays");
    }

    @Test
    void flaggedByValidationShowsTheRowsWithIssues() throws IOException {
        Path file = tmp.resolve("data.jsonl");
        Files.writeString(file, """
                {"instruction": "court", "output": "ok"}
                {"instruction": "une question bien plus longue que la limite", "output": "et une réponse longue aussi"}
                {"instruction": "bref", "output": "oui"}
                """);
        Dataset all = Datasets.load(file);
        ValidationReport report = Datasets.from(file).maxTokens(20, TokenCounter.codePoints()).validate();
        DatasetPreview p = DatasetPreview.of(all).flagged(report);
        assertEquals(List.of(1), indices(p));
        assertEquals("data.jsonl:2", p.table().stringColumn("source").get(0));
        assertEquals("alpaca", p.table().stringColumn("format").get(0));
        assertTrue(p.table().stringColumn("flags").get(0).startsWith("TOO_LONG"), p.table().stringColumn("flags").get(0));
    }
}
