package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each format is detected and read into the one conversation model; forcing a format works. */
class FormatsTest {
    @TempDir
    Path tmp;

    private Dataset load(String name, String... lines) {
        return Datasets.load(Files2.lines(tmp, name, lines));
    }

    private static void assertOnly(Dataset d, DatasetFormat f) {
        assertEquals(f, d.validation().files().get(0).format());
        assertFalse(d.validation().files().get(0).forced());
        d.forEach(e -> assertEquals(f, e.format()));
    }

    @Test
    void alpacaWithInputSystemAndHistory() {
        Dataset d = load("a.jsonl",
                "{\"instruction\":\"Réponds.\",\"input\":\"Délai de livraison ?\",\"output\":\"2-3 jours.\",\"category\":\"shipping\"}",
                "{\"instruction\":\"Say hi\",\"input\":\"\",\"output\":\"Hi!\",\"system\":\"Be brief.\"}",
                "{\"instruction\":\"And now?\",\"output\":\"Bye.\",\"history\":[[\"Hello\",\"Hi\"]]}");
        assertOnly(d, DatasetFormat.ALPACA);
        assertEquals(Conversation.of(Message.user("Réponds.\n\nDélai de livraison ?"), Message.assistant("2-3 jours.")),
                d.get(0).conversation());
        assertEquals("shipping", d.get(0).extra("category").orElseThrow());
        assertEquals(new Source(tmp.resolve("a.jsonl"), 1), d.get(0).source());
        assertEquals(Conversation.of(Message.system("Be brief."), Message.user("Say hi"), Message.assistant("Hi!")),
                d.get(1).conversation());
        assertEquals(Conversation.of(Message.user("Hello"), Message.assistant("Hi"), Message.user("And now?"),
                Message.assistant("Bye.")), d.get(2).conversation());
        assertEquals(3, d.get(2).source().line());
    }

    @Test
    void shareGpt() {
        Dataset d = load("s.jsonl",
                "{\"conversations\":[{\"from\":\"system\",\"value\":\"S\"},{\"from\":\"human\",\"value\":\"Q1\"},"
                        + "{\"from\":\"gpt\",\"value\":\"A1\"},{\"from\":\"human\",\"value\":\"Q2\"},{\"from\":\"gpt\",\"value\":\"A2\"}],"
                        + "\"id\":7}");
        assertOnly(d, DatasetFormat.SHAREGPT);
        Conversation c = d.get(0).conversation();
        assertEquals(5, c.size());
        assertEquals("S", c.system().orElseThrow());
        assertEquals(Message.assistant("A2"), c.last());
        assertEquals("7", d.get(0).extra("id").orElseThrow());
    }

    @Test
    void openAiMessages() {
        Dataset d = load("o.jsonl",
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Tu es un agent.\"},{\"role\":\"user\",\"content\":\"Bonjour\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Bonjour !\"}]}");
        assertOnly(d, DatasetFormat.OPENAI);
        assertEquals(Conversation.of(Message.system("Tu es un agent."), Message.user("Bonjour"),
                Message.assistant("Bonjour !")), d.get(0).conversation());
    }

    @Test
    void inputOutput() {
        Dataset d = load("io.jsonl",
                "{\"input\":\"User: Quelle est la procédure ?\\nAssistant:\",\"output\":\"Contactez le SAV.\"}");
        assertOnly(d, DatasetFormat.INPUT_OUTPUT);
        assertEquals(Conversation.of("User: Quelle est la procédure ?\nAssistant:", "Contactez le SAV."),
                d.get(0).conversation());
    }

    @Test
    void promptCompletionAsStringsAndAsMessages() {
        Dataset d = load("pc.jsonl",
                "{\"prompt\":\"The sky is\",\"completion\":\" blue.\"}",
                "{\"prompt\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"Q\"}],"
                        + "\"completion\":[{\"role\":\"assistant\",\"content\":\"A\"}]}");
        assertOnly(d, DatasetFormat.PROMPT_COMPLETION);
        assertEquals(Conversation.of("The sky is", " blue."), d.get(0).conversation());
        assertEquals(Conversation.of(Message.system("S"), Message.user("Q"), Message.assistant("A")),
                d.get(1).conversation());
    }

    @Test
    void preferencePairs() {
        Dataset d = load("p.jsonl",
                "{\"prompt\":\"2+2?\",\"chosen\":\"4\",\"rejected\":\"5\"}",
                "{\"prompt\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"Hello!\"}],"
                        + "\"rejected\":[{\"role\":\"assistant\",\"content\":\"Go away.\"}]}");
        assertOnly(d, DatasetFormat.PREFERENCE);
        Preference p = d.get(0).preference().orElseThrow();
        assertEquals(Conversation.of(Message.user("2+2?")), p.prompt());
        assertEquals("4", p.chosen());
        assertEquals("5", p.rejected());
        assertEquals(Conversation.of("2+2?", "4"), d.get(0).conversation());
        assertEquals(new Preference(Conversation.of(Message.user("Hi")), "Hello!", "Go away."),
                d.get(1).preference().orElseThrow());
    }

    @Test
    void jsonArrayFilesAreReadWithTheLineOfEachElement() {
        Path f = Files2.lines(tmp, "a.json",
                "[",
                "  {\"instruction\": \"Q1\", \"input\": \"\", \"output\": \"A1\"},",
                "  {",
                "    \"instruction\": \"Q2\",",
                "    \"output\": \"A2\"",
                "  }",
                "]");
        Dataset d = Datasets.load(f);
        assertEquals(2, d.size());
        assertEquals(DatasetFormat.ALPACA, d.get(0).format());
        assertEquals(2, d.get(0).source().line());
        assertEquals(3, d.get(1).source().line());
        assertEquals(Conversation.of("Q2", "A2"), d.get(1).conversation());
    }

    @Test
    void byteOrderMarkCrlfAndBlankLinesAreTolerated() {
        Path f = tmp.resolve("bom.jsonl");
        Files2.lines(tmp, "bom.jsonl", "\uFEFF{\"input\":\"a\",\"output\":\"b\"}\r", "", "   ", "{\"input\":\"c\",\"output\":\"d\"}\r");
        Dataset d = Datasets.load(f);
        assertEquals(2, d.size());
        assertEquals(4, d.get(1).source().line());
        assertEquals(2, d.validation().rows());
    }

    @Test
    void detectionIsByMajorityOfTheFirstRows() {
        Dataset d = Datasets.from(Files2.lines(tmp, "m.jsonl",
                "{\"input\":\"a\",\"output\":\"b\"}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q2\"},{\"role\":\"assistant\",\"content\":\"a2\"}]}"))
                .lenient().load();
        assertEquals(DatasetFormat.OPENAI, d.validation().files().get(0).format());
        assertEquals(2, d.size());
        Issue i = d.validation().issues().get(0);
        assertEquals(1, i.line());
        assertEquals(IssueKind.MISSING_FIELD, i.kind());
        assertEquals("messages", i.field());
        assertTrue(i.message().contains("looks like input-output"), i.message());
    }

    @Test
    void aForcedFormatIsUsedAsIs() {
        Path f = Files2.lines(tmp, "f.jsonl", "{\"prompt\":\"P\",\"completion\":\"C\",\"input\":\"x\"}");
        assertEquals(DatasetFormat.PROMPT_COMPLETION, Datasets.load(f).get(0).format());
        Dataset forced = Datasets.from(f).format(DatasetFormat.INPUT_OUTPUT).lenient().load();
        assertEquals(0, forced.size());
        assertTrue(forced.validation().files().get(0).forced());
        assertEquals("output", forced.validation().issues().get(0).field());
        Dataset byName = Datasets.from(f).format("completion").load();
        assertEquals(Conversation.of("P", "C"), byName.get(0).conversation());
        assertEquals("x", byName.get(0).extra("input").orElseThrow());
    }

    @Test
    void formatNamesAndAliases() {
        assertEquals(DatasetFormat.OPENAI, DatasetFormat.parse("ChatML"));
        assertEquals(DatasetFormat.INPUT_OUTPUT, DatasetFormat.parse("input_output"));
        assertEquals(DatasetFormat.PREFERENCE, DatasetFormat.parse("dpo"));
        for (DatasetFormat f : DatasetFormat.values()) {
            assertEquals(f, DatasetFormat.parse(f.id()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetFormat.parse("csv"));
        assertTrue(e.getMessage().contains("sharegpt"), e.getMessage());
    }

    @Test
    void unknownFormatRowsAreReported() {
        Path f = Files2.lines(tmp, "u.jsonl", "{\"question\":\"q\",\"answer\":\"a\"}");
        ValidationException e = assertThrows(ValidationException.class, () -> Datasets.load(f));
        Issue i = e.report().issues().get(0);
        assertEquals(IssueKind.UNKNOWN_FORMAT, i.kind());
        assertTrue(i.message().contains("question"), i.message());
        assertEquals(null, e.report().files().get(0).format());
    }

    @Test
    void severalFilesLoadTogetherEachInItsFormat() {
        Path a = Files2.lines(tmp, "a.jsonl", "{\"instruction\":\"i\",\"output\":\"o\"}");
        Path s = Files2.lines(tmp, "s.jsonl", "{\"conversations\":[{\"from\":\"human\",\"value\":\"q\"},{\"from\":\"gpt\",\"value\":\"a\"}]}");
        Dataset d = Datasets.from(a, s).load();
        assertEquals(List.of(DatasetFormat.ALPACA, DatasetFormat.SHAREGPT),
                d.stream().map(Example::format).toList());
        assertEquals(2, d.validation().files().size());
    }
}
