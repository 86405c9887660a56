package io.tunebook.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetStatsTest {
    @TempDir
    Path tmp;

    @Test
    void countsFormatsTurnsRolesAndLengths() {
        Path a = Files2.lines(tmp, "a.jsonl",
                "{\"instruction\":\"abc\",\"output\":\"de\",\"system\":\"s\"}",
                "{\"instruction\":\"x\",\"output\":\"y\",\"history\":[[\"q\",\"r\"]]}");
        Path p = Files2.lines(tmp, "p.jsonl", "{\"prompt\":\"q\",\"chosen\":\"ok\",\"rejected\":\"bad\"}");
        Dataset d = Datasets.from(a, p).load();
        DatasetStats s = DatasetStats.of(d);
        assertEquals(3, s.examples());
        assertEquals(2L, s.formats().get(DatasetFormat.ALPACA));
        assertEquals(1L, s.formats().get(DatasetFormat.PREFERENCE));
        assertEquals(1, s.preferencePairs());
        assertEquals(1, s.withSystemPrompt());
        assertEquals(2, s.messages().min());
        assertEquals(4, s.messages().max());
        assertEquals(2, s.userTurns().max());
        assertEquals(4L, s.messagesByRole().get(Role.USER));
        assertEquals(4L, s.messagesByRole().get(Role.ASSISTANT));
        assertEquals(6, s.characters().max());
        assertNull(s.tokens());
        DatasetStats withTokens = DatasetStats.of(d, TokenCounter.codePoints());
        assertEquals(6, withTokens.tokens().max());
        JsonObject j = JsonParser.parseString(withTokens.toJson()).getAsJsonObject();
        assertEquals(2, j.getAsJsonObject("formats").get("alpaca").getAsInt());
        assertEquals(4, j.getAsJsonObject("messages_by_role").get("user").getAsInt());
        assertTrue(withTokens.toString().contains("tokens"), withTokens.toString());
    }

    @Test
    void distributions() {
        Distribution d = Distribution.of(new long[] {5, 1, 3, 2, 4});
        assertEquals(new Distribution(5, 3.0, 1, 3, 5, 5), d);
        assertEquals(0, Distribution.of(new long[0]).count());
    }
}
