package io.tunebook.display;

import io.tunebook.data.CleaningReport;
import io.tunebook.data.Dataset;
import io.tunebook.data.Example;
import io.tunebook.data.RemovalReason;
import io.tunebook.data.Source;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A {@link CleaningReport} as a summary line and tables: removals by reason; duplicates side by
 * side with the example kept in their place (with both texts when the dataset before cleaning is
 * given); the other removals; the e-mail addresses and phone numbers found.
 *
 * <pre>{@code
 * CleaningResult cleaned = raw.clean(Cleaner.builder().build());
 * CleaningView.of(cleaned.report()).withTexts(raw);
 * }</pre>
 */
public final class CleaningView implements Displayable {
    /** Default number of rows listed per table. */
    public static final int DEFAULT_LIMIT = 20;
    /** Characters of example text shown per cell. */
    static final int TEXT_WIDTH = 60;

    private final CleaningReport report;
    private final Map<Source, Example> before;
    private final int limit;

    private CleaningView(CleaningReport report, Map<Source, Example> before, int limit) {
        this.report = report;
        this.before = before;
        this.limit = limit;
    }

    public static CleaningView of(CleaningReport report) {
        return new CleaningView(report, Map.of(), DEFAULT_LIMIT);
    }

    /** The same view showing the texts of duplicates, taken from {@code raw}, the dataset before cleaning. */
    public CleaningView withTexts(Dataset raw) {
        Map<Source, Example> bySource = new HashMap<>();
        for (Example e : raw) {
            bySource.putIfAbsent(e.source(), e);
        }
        return new CleaningView(report, bySource, limit);
    }

    /** The same view listing at most {@code rows} rows per table. */
    public CleaningView limit(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + rows);
        }
        return new CleaningView(report, before, rows);
    }

    public String summary() {
        return report.input() + " examples in, " + report.kept() + " kept, " + report.removals().size() + " removed, "
                + report.normalized() + " changed by normalisation, " + report.flags().size()
                + " e-mail addresses or phone numbers found";
    }

    public Table removedByReason() {
        StringColumn reason = StringColumn.create("reason");
        LongColumn count = LongColumn.create("removed");
        report.countsByReason().forEach((r, n) -> {
            reason.append(r.name());
            count.append(n);
        });
        return Table.create("Removed by reason", reason, count);
    }

    /** Exact and near duplicates, most similar first, beside the example kept instead. */
    public Table duplicates() {
        List<CleaningReport.Removal> duplicates = report.removals().stream()
                .filter(r -> r.duplicateOf() != null)
                .sorted((a, b) -> Double.compare(b.similarity(), a.similarity()))
                .toList();
        StringColumn removed = StringColumn.create("removed");
        StringColumn kept = StringColumn.create("kept instead");
        DoubleColumn similarity = Tables.decimals("similarity", 2);
        StringColumn removedText = StringColumn.create("removed text");
        StringColumn keptText = StringColumn.create("kept text");
        for (CleaningReport.Removal r : duplicates.subList(0, Math.min(limit, duplicates.size()))) {
            removed.append(DatasetPreview.location(r.source()));
            kept.append(DatasetPreview.location(r.duplicateOf()));
            similarity.append(r.similarity());
            removedText.append(text(r.source()));
            keptText.append(text(r.duplicateOf()));
        }
        Table t = Table.create(title("Duplicates", duplicates.size()), removed, kept, similarity);
        return before.isEmpty() ? t : t.addColumns(removedText, keptText);
    }

    /** Removals for another reason than duplication: length, personal data. */
    public Table otherRemovals() {
        List<CleaningReport.Removal> others = report.removals().stream()
                .filter(r -> r.reason() != RemovalReason.EXACT_DUPLICATE && r.reason() != RemovalReason.NEAR_DUPLICATE)
                .toList();
        StringColumn location = StringColumn.create("location");
        StringColumn reason = StringColumn.create("reason");
        StringColumn detail = StringColumn.create("detail");
        for (CleaningReport.Removal r : others.subList(0, Math.min(limit, others.size()))) {
            location.append(DatasetPreview.location(r.source()));
            reason.append(r.reason().name());
            detail.append(r.detail() == null ? "" : r.detail());
        }
        return Table.create(title("Other removals", others.size()), location, reason, detail);
    }

    /** E-mail addresses and phone numbers found, and what was done with them. */
    public Table personalData() {
        StringColumn location = StringColumn.create("location");
        StringColumn field = StringColumn.create("field");
        StringColumn kind = StringColumn.create("found");
        StringColumn match = StringColumn.create("match");
        StringColumn action = StringColumn.create("action");
        List<CleaningReport.Flag> flags = report.flags();
        for (CleaningReport.Flag f : flags.subList(0, Math.min(limit, flags.size()))) {
            location.append(DatasetPreview.location(f.source()));
            field.append(f.field());
            kind.append(f.kind().name());
            match.append(f.match());
            action.append(f.action().name());
        }
        return Table.create(title("Personal data", flags.size()), location, field, kind, match, action);
    }

    private String title(String name, int total) {
        return total <= limit ? name : name + " (first " + limit + " of " + total + ")";
    }

    private String text(Source source) {
        Example e = before.get(source);
        return e == null ? "" : Tables.truncate(DatasetPreview.transcript(e.conversation().messages()), TEXT_WIDTH);
    }

    /** The tables that have rows. */
    private List<Table> tables() {
        return List.of(removedByReason(), duplicates(), otherRemovals(), personalData()).stream()
                .filter(t -> t.rowCount() > 0).toList();
    }

    @Override
    public MimeBundle mimeBundle() {
        StringBuilder html = new StringBuilder(Tables.paragraph(summary()));
        tables().forEach(t -> html.append(Tables.html(t)));
        return MimeBundle.text(text()).withHtml(Tables.section("Cleaning", html.toString()));
    }

    public String text() {
        StringBuilder b = new StringBuilder(summary()).append('\n');
        tables().forEach(t -> b.append('\n').append(Tables.text(t)));
        return b.toString().stripTrailing();
    }

    @Override
    public String toString() {
        return text();
    }
}
