package io.tunebook.display;

import java.util.Objects;
import tech.tablesaw.api.Table;

/**
 * A Tablesaw {@link Table} that a notebook cell built itself (a comparison of models, a memory
 * plan) shown like every tunebook table: HTML with the table's name as caption, aligned text as
 * the fallback.
 *
 * <pre>{@code
 * Table t = Table.create("Base vs fine-tuned", StringColumn.create("metric", "BLEU", "ROUGE-L"),
 *         DoubleColumn.create("fine-tuned", 31.2, 0.48));
 * TableView.of(t);
 * }</pre>
 */
public final class TableView implements Displayable {
    private final Table table;

    private TableView(Table table) {
        this.table = Objects.requireNonNull(table, "table");
    }

    public static TableView of(Table table) {
        return new TableView(table);
    }

    public Table table() {
        return table;
    }

    @Override
    public MimeBundle mimeBundle() {
        return MimeBundle.text(toString()).withHtml(Tables.html(table));
    }

    @Override
    public String toString() {
        return Tables.text(table).stripTrailing();
    }
}
