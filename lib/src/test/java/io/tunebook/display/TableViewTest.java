package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TableViewTest {
    private static Table comparison() {
        return Table.create("Base <vs> tuned", StringColumn.create("metric", "ROUGE-L", "perplexity"),
                DoubleColumn.create("base", 0.125, 512.0), DoubleColumn.create("tuned", 0.25, 64.5));
    }

    @Test
    void showsTheTableAsEscapedHtmlWithItsCaptionAndAsAlignedText() {
        TableView view = TableView.of(comparison());
        MimeBundle bundle = view.mimeBundle();
        String html = bundle.html().orElseThrow();
        assertTrue(html.startsWith("<table class=\"tunebook\""), html);
        assertTrue(html.contains(">Base &lt;vs&gt; tuned</caption>"), html);
        assertEquals(3, html.split("<tr>", -1).length - 1, "a header row and two rows: " + html);
        assertTrue(html.contains("text-align:right\">512"), "numbers are right-aligned: " + html);
        assertEquals(String.join("\n", "Base <vs> tuned",
                "metric       base  tuned",
                "ROUGE-L     0.125   0.25",
                "perplexity    512   64.5"), bundle.text());
        assertEquals(bundle.text(), view.toString());
        assertTrue(bundle.png().isEmpty());
    }

    @Test
    void isFoundByViewsAsItself() {
        TableView view = TableView.of(comparison());
        assertSame(view, Views.of(view).orElseThrow());
        assertThrows(NullPointerException.class, () -> TableView.of(null));
    }
}
