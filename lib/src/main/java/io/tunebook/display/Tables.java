package io.tunebook.display;

import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Base64;
import java.util.Locale;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * What every view shares so that they all look alike: HTML escaping, truncation with an ellipsis,
 * a Tablesaw {@link Table} rendered as an HTML table (class {@value #CSS_CLASS}, inline styles only,
 * so that it survives nbconvert's HTML export and notebook sanitisers that drop {@code <style>}) or
 * as aligned plain text. Numeric columns are right-aligned; a table's name is its caption.
 */
public final class Tables {
    /** The class of every table tunebook renders, for users who want to restyle them. */
    public static final String CSS_CLASS = "tunebook";
    /** The ellipsis that ends truncated text. */
    public static final String ELLIPSIS = "…";
    /** What a line break in a cell becomes in plain text, where a cell must stay on one line. */
    static final String TEXT_LINE_BREAK = "↵";

    private static final String TABLE_STYLE = "border-collapse:collapse;margin:4px 0 8px 0;"
            + "font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:12px;line-height:1.35";
    private static final String CAPTION_STYLE = "caption-side:top;text-align:left;font-weight:600;padding:2px 0";
    private static final String CELL_STYLE = "border:1px solid #d0d7de;padding:3px 6px;vertical-align:top;";
    private static final String HEAD_STYLE = CELL_STYLE + "background:#f3f4f6;font-weight:600;";

    private Tables() {
    }

    /** {@code text} with {@code & < > " '} replaced by entities: safe in element content and quoted attributes. */
    public static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * {@code text} cut to at most {@code width} code points, the last of them an ellipsis when it
     * was cut; never splits a surrogate pair.
     */
    public static String truncate(String text, int width) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be at least 1, got " + width);
        }
        if (text.codePointCount(0, text.length()) <= width) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, width - 1)) + ELLIPSIS;
    }

    /**
     * A column of numbers shown with {@code digits} decimals, rounding half up, whatever the JVM's
     * locale; the values themselves keep their precision.
     */
    public static DoubleColumn decimals(String name, int digits) {
        DecimalFormat f = new DecimalFormat(digits == 0 ? "0" : "0." + "0".repeat(digits),
                DecimalFormatSymbols.getInstance(Locale.ROOT));
        f.setRoundingMode(RoundingMode.HALF_UP);
        DoubleColumn column = DoubleColumn.create(name);
        column.setPrintFormatter(new NumberColumnFormatter(f, ""));
        return column;
    }

    /** The table as an HTML {@code <table>}: caption from its name, every cell escaped. */
    public static String html(Table table) {
        StringBuilder b = new StringBuilder(256 + table.rowCount() * table.columnCount() * 48);
        b.append("<table class=\"").append(CSS_CLASS).append("\" style=\"").append(TABLE_STYLE).append("\">");
        if (table.name() != null && !table.name().isEmpty()) {
            b.append("<caption style=\"").append(CAPTION_STYLE).append("\">").append(escape(table.name()))
                    .append("</caption>");
        }
        b.append("<thead><tr>");
        for (Column<?> c : table.columns()) {
            b.append("<th style=\"").append(HEAD_STYLE).append(align(c)).append("\">").append(escape(c.name()))
                    .append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (int r = 0; r < table.rowCount(); r++) {
            b.append("<tr>");
            for (Column<?> c : table.columns()) {
                b.append("<td style=\"").append(CELL_STYLE).append(align(c)).append("\">")
                        .append(escape(cell(c, r))).append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /**
     * The table as aligned plain text: its name, a header line, one line a row, numeric columns
     * right-aligned, line breaks inside cells shown as {@value #TEXT_LINE_BREAK}.
     */
    public static String text(Table table) {
        int columns = table.columnCount();
        String[][] cells = new String[table.rowCount() + 1][columns];
        int[] width = new int[columns];
        for (int c = 0; c < columns; c++) {
            Column<?> column = table.column(c);
            cells[0][c] = column.name();
            for (int r = 0; r < table.rowCount(); r++) {
                cells[r + 1][c] = cell(column, r).replace("\r\n", "\n").replace("\n", TEXT_LINE_BREAK);
            }
            for (String[] row : cells) {
                width[c] = Math.max(width[c], length(row[c]));
            }
        }
        StringBuilder b = new StringBuilder();
        if (table.name() != null && !table.name().isEmpty()) {
            b.append(table.name()).append('\n');
        }
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String pad = " ".repeat(width[c] - length(row[c]));
                boolean right = table.column(c) instanceof NumericColumn;
                line.append(right ? pad + row[c] : row[c] + pad).append(c < columns - 1 ? "  " : "");
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /** A {@code <div>} holding a heading-like title and the given HTML fragments. */
    static String section(String title, String... parts) {
        StringBuilder b = new StringBuilder("<div class=\"").append(CSS_CLASS).append("\">");
        if (title != null && !title.isEmpty()) {
            b.append("<div style=\"font-family:system-ui,sans-serif;font-size:13px;font-weight:600;margin:4px 0\">")
                    .append(escape(title)).append("</div>");
        }
        for (String p : parts) {
            b.append(p);
        }
        return b.append("</div>").toString();
    }

    /** A view that is a title over one table: the title line and the table, as text and as HTML. */
    static MimeBundle titled(String title, Table table) {
        return MimeBundle.text(title + "\n" + text(table).stripTrailing()).withHtml(section(title, html(table)));
    }

    /** One escaped line of HTML text. */
    static String paragraph(String text) {
        return "<p style=\"font-family:system-ui,sans-serif;font-size:12px;margin:2px 0\">" + escape(text) + "</p>";
    }

    /** An inline {@code <img>} of a PNG as a data URI, so the page carries its own image. */
    static String image(byte[] png, String alt) {
        return "<img alt=\"" + escape(alt) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png) + "\"/>";
    }

    private static String cell(Column<?> column, int row) {
        return column.isMissing(row) ? "" : column.getString(row);
    }

    private static String align(Column<?> column) {
        return column instanceof NumericColumn ? "text-align:right" : "text-align:left";
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
