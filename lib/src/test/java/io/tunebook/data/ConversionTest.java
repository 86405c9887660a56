package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Converting writes valid files of the target format, and converting back gives the same rows. */
class ConversionTest {
    @TempDir
    Path tmp;

    private static final String[] ALPACA = {
        "{\"instruction\":\"Réponds au client.\",\"input\":\"\",\"output\":\"Voici la procédure:\\n1. Contactez le SAV\",\"category\":\"sav\"}",
        "{\"instruction\":\"Say hi\",\"input\":\"\",\"output\":\"Hi! \\\"quoted\\\" <b>\",\"system\":\"Be brief.\"}",
        "{\"instruction\":\"And now?\",\"input\":\"\",\"output\":\"Bye.\",\"history\":[[\"Hello\",\"Hi\"],[\"How are you?\",\"Fine.\"]]}"
    };

    private static List<JsonElement> rows(Path file) {
        return Files2.read(file).lines().filter(l -> !l.isBlank()).map(JsonParser::parseString).toList();
    }

    @Test
    void alpacaToShareGptAndBackGivesTheSameRows() {
        Path alpaca = Files2.lines(tmp, "a.jsonl", ALPACA);
        Path sharegpt = tmp.resolve("s.jsonl");
        Path back = tmp.resolve("back.jsonl");
        ValidationReport r = Datasets.from(alpaca).convert(DatasetFormat.SHAREGPT, sharegpt);
        assertEquals(3, r.validRows());
        Dataset s = Datasets.load(sharegpt);
        assertEquals(DatasetFormat.SHAREGPT, s.validation().files().get(0).format());
        assertEquals("human", rows(sharegpt).get(0).getAsJsonObject().getAsJsonArray("conversations").get(0)
                .getAsJsonObject().get("from").getAsString());
        Datasets.from(sharegpt).convert(DatasetFormat.ALPACA, back);
        assertEquals(rows(alpaca), rows(back));
        assertEquals(Datasets.load(alpaca).conversations(), Datasets.load(back).conversations());
    }

    @ParameterizedTest
    @EnumSource(value = DatasetFormat.class, names = {"SHAREGPT", "OPENAI", "ALPACA", "PROMPT_COMPLETION"})
    void everyChatFormatHoldsMultiTurnConversations(DatasetFormat via) {
        Path src = Files2.lines(tmp, "src.jsonl",
                "{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"Q1\"},"
                        + "{\"role\":\"assistant\",\"content\":\"A1\"},{\"role\":\"user\",\"content\":\"Q2\"},"
                        + "{\"role\":\"assistant\",\"content\":\"A2\"}],\"id\":\"x1\"}",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"only\"},{\"role\":\"assistant\",\"content\":\"one\"}],\"id\":\"x2\"}");
        Path mid = tmp.resolve("mid." + via.id() + ".jsonl");
        Path back = tmp.resolve("back.jsonl");
        Datasets.from(src).convert(via, mid);
        Dataset m = Datasets.load(mid);
        assertEquals(via, m.get(0).format(), "the written file is detected as " + via.id());
        Datasets.from(mid).convert(DatasetFormat.OPENAI, back);
        assertEquals(rows(src), rows(back));
    }

    @Test
    void preferencePairsRoundTripInBothShapes() {
        Path src = Files2.lines(tmp, "p.jsonl",
                "{\"system\":\"S\",\"prompt\":\"2+2?\",\"chosen\":\"4\",\"rejected\":\"5\"}",
                "{\"prompt\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Yes?\"},"
                        + "{\"role\":\"user\",\"content\":\"Help\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"Sure.\"}],"
                        + "\"rejected\":[{\"role\":\"assistant\",\"content\":\"No.\"}]}");
        Path out = tmp.resolve("out.json");
        Datasets.from(src).convert(DatasetFormat.PREFERENCE, out);
        Dataset a = Datasets.load(src);
        Dataset b = Datasets.load(out);
        assertEquals(a.conversations(), b.conversations());
        assertEquals(a.stream().map(Example::rejected).toList(), b.stream().map(Example::rejected).toList());
        assertEquals(rows(src), JsonParser.parseString(Files2.read(out)).getAsJsonArray().asList());
    }

    @Test
    void jsonOutputIsAValidJsonArray() {
        Path alpaca = Files2.lines(tmp, "a.jsonl", ALPACA);
        Path out = tmp.resolve("out.json");
        Datasets.from(alpaca).convert(DatasetFormat.OPENAI, out);
        assertEquals(3, JsonParser.parseString(Files2.read(out)).getAsJsonArray().size());
        assertEquals(3, Datasets.load(out).size());
        Path empty = tmp.resolve("empty.json");
        Dataset.of().write(empty, DatasetFormat.OPENAI);
        assertEquals(0, JsonParser.parseString(Files2.read(empty)).getAsJsonArray().size());
    }

    @Test
    void whatTheTargetCannotHoldFailsAndWritesNothing() throws Exception {
        Path chat = Files2.lines(tmp, "c.jsonl",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}",
                "{\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":\"q\"},"
                        + "{\"role\":\"assistant\",\"content\":\"a\"}]}");
        Path out = tmp.resolve("io.jsonl");
        ConversionException e = assertThrows(ConversionException.class,
                () -> Datasets.from(chat).convert(DatasetFormat.INPUT_OUTPUT, out));
        assertEquals(2, e.source().line());
        assertTrue(e.getMessage().contains("c.jsonl:2") && e.getMessage().contains("system"), e.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(List.of("c.jsonl"), Files.list(tmp).map(p -> p.getFileName().toString()).collect(Collectors.toList()));

        assertThrows(ConversionException.class, () -> Datasets.from(chat).convert(DatasetFormat.PREFERENCE, out));
        Path pref = Files2.lines(tmp, "p.jsonl", "{\"prompt\":\"q\",\"chosen\":\"a\",\"rejected\":\"b\"}");
        ConversionException p = assertThrows(ConversionException.class,
                () -> Datasets.from(pref).convert(DatasetFormat.SHAREGPT, out));
        assertTrue(p.getMessage().contains("rejected"), p.getMessage());
        Dataset chosenOnly = Datasets.load(pref).map(Example::withoutRejected);
        chosenOnly.write(out, DatasetFormat.INPUT_OUTPUT);
        assertEquals("{\"input\":\"q\",\"output\":\"a\"}", Files2.read(out).trim());
    }

    @Test
    void strictConversionOfAnInvalidFileWritesNothing() {
        Path src = Files2.lines(tmp, "a.jsonl", ALPACA[0], "{\"instruction\":\"x\"}");
        Path out = tmp.resolve("out.jsonl");
        assertThrows(ValidationException.class, () -> Datasets.from(src).convert(DatasetFormat.OPENAI, out));
        assertFalse(Files.exists(out));
        ValidationReport r = Datasets.from(src).lenient().convert(DatasetFormat.OPENAI, out);
        assertEquals(1, r.skippedRows());
        assertEquals(1, rows(out).size());
    }

    @Test
    void anExistingFileIsReplacedOnlyOnSuccess() throws Exception {
        Path out = Files2.lines(tmp, "out.jsonl", "old");
        Path chat = Files2.lines(tmp, "c.jsonl", "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
                + "{\"role\":\"assistant\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"q\"},"
                + "{\"role\":\"assistant\",\"content\":\"a\"}]}");
        assertThrows(ConversionException.class, () -> Datasets.from(chat).convert(DatasetFormat.INPUT_OUTPUT, out));
        assertEquals("old\n", Files.readString(out));
        Datasets.from(chat).convert(DatasetFormat.SHAREGPT, out);
        assertTrue(Files.readString(out).startsWith("{\"conversations\""));
    }
}
