package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TablesTest {
    @Test
    void escapesEveryCharacterThatCanOpenMarkup() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;amp; &#39;q&#39;",
                Tables.escape("<script>alert(\"x\")</script> &amp; 'q'"));
        assertEquals("plain text, accents: été", Tables.escape("plain text, accents: été"));
    }

    @Test
    void truncatesToTheWidthWithAnEllipsisAndNeverSplitsASurrogatePair() {
        assertEquals("abcdef", Tables.truncate("abcdef", 6), "text that fits is untouched");
        assertEquals("abcd…", Tables.truncate("abcdefgh", 5));
        assertEquals(5, Tables.truncate("abcdefgh", 5).length());
        String emoji = "😀😀😀😀"; // four code points, eight chars
        assertEquals(emoji, Tables.truncate(emoji, 4));
        assertEquals("😀😀…", Tables.truncate(emoji, 3));
        assertThrows(IllegalArgumentException.class, () -> Tables.truncate("x", 0));
    }

    private static Table sample() {
        StringColumn name = StringColumn.create("name", List.of("<b>bold</b>", "a & b", "two\nlines"));
        IntColumn n = IntColumn.create("n", 7, 1234, 42);
        DoubleColumn share = Tables.decimals("share", 1).append(0.5).append(12.25).append(100);
        return Table.create("Caption <i>", name, n, share);
    }

    @Test
    void htmlTableIsEscapedSelfContainedAndAlignsNumbersRight() {
        String html = Tables.html(sample());
        assertTrue(html.startsWith("<table class=\"tunebook\" style=\""), html);
        assertTrue(html.contains("<caption") && html.contains("Caption &lt;i&gt;</caption>"), html);
        assertTrue(html.contains("&lt;b&gt;bold&lt;/b&gt;") && html.contains("a &amp; b"), html);
        assertFalse(html.contains("<b>") || html.contains("<i>"), "no markup from the data: " + html);
        assertFalse(html.contains("<style") || html.contains("<link") || html.contains("<script"), html);
        assertTrue(html.contains("text-align:right\">1234</td>"), html);
        assertTrue(html.contains("text-align:left\">a &amp; b</td>"), html);
        assertEquals(4, html.split("<tr>", -1).length - 1, "a header row and three rows");
    }

    @Test
    void textTableAlignsColumnsAndKeepsEachRowOnOneLine() {
        String text = Tables.text(sample());
        List<String> lines = text.lines().toList();
        assertEquals("Caption <i>", lines.get(0));
        assertEquals(5, lines.size(), text);
        assertEquals("name            n  share", lines.get(1));
        assertEquals("<b>bold</b>     7    0.5", lines.get(2));
        assertEquals("a & b        1234   12.3", lines.get(3));
        assertEquals("two↵lines      42  100.0", lines.get(4));
    }

    @Test
    void decimalsIgnoreTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.FRANCE);
            DoubleColumn c = Tables.decimals("x", 2).append(1234.5);
            assertEquals("1234.50", c.getString(0));
        } finally {
            Locale.setDefault(saved);
        }
    }
}
