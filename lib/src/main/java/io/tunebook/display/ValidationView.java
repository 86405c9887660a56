package io.tunebook.display;

import io.tunebook.data.FileSummary;
import io.tunebook.data.Issue;
import io.tunebook.data.ValidationReport;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A {@link ValidationReport} as a verdict line and tables: rows per file, issues per kind, and the
 * first issues with their {@code file:line}, field, kind and message.
 */
public final class ValidationView implements Displayable {
    /** Default number of issues listed. */
    public static final int DEFAULT_LIMIT = 20;

    private final ValidationReport report;
    private final int limit;

    private ValidationView(ValidationReport report, int limit) {
        this.report = report;
        this.limit = limit;
    }

    public static ValidationView of(ValidationReport report) {
        return new ValidationView(report, DEFAULT_LIMIT);
    }

    /** The same view listing the first {@code issues} issues. */
    public ValidationView limit(int issues) {
        if (issues < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + issues);
        }
        return new ValidationView(report, issues);
    }

    /** {@code 800 rows, all valid} or {@code 3 of 800 rows invalid, 4 issues; ...}. */
    public String verdict() {
        if (report.isValid()) {
            return report.rows() + " rows, all valid";
        }
        return report.invalidRows() + " of " + report.rows() + " rows invalid, " + report.issueCount()
                + (report.issueCount() == 1 ? " issue" : " issues")
                + (report.lenient() ? "; lenient: " + report.skippedRows() + " rows skipped"
                        : "; strict: the dataset is rejected");
    }

    public Table files() {
        StringColumn file = StringColumn.create("file");
        StringColumn format = StringColumn.create("format");
        LongColumn rows = LongColumn.create("rows");
        LongColumn valid = LongColumn.create("valid");
        LongColumn invalid = LongColumn.create("invalid");
        for (FileSummary f : report.files()) {
            file.append(String.valueOf(f.file()));
            format.append(f.format() == null ? "?" : f.format().id() + (f.forced() ? " (forced)" : ""));
            rows.append(f.rows());
            valid.append(f.validRows());
            invalid.append(f.invalidRows());
        }
        return Table.create("Files", file, format, rows, valid, invalid);
    }

    public Table issuesByKind() {
        StringColumn kind = StringColumn.create("kind");
        LongColumn count = LongColumn.create("issues");
        for (var e : report.countsByKind().entrySet()) {
            kind.append(e.getKey().name());
            count.append(e.getValue());
        }
        return Table.create("Issues by kind", kind, count);
    }

    /** The first issues, in file and line order. */
    public Table issues() {
        StringColumn location = StringColumn.create("location");
        StringColumn field = StringColumn.create("field");
        StringColumn kind = StringColumn.create("kind");
        StringColumn message = StringColumn.create("message");
        for (Issue i : report.issues().subList(0, Math.min(limit, report.issues().size()))) {
            location.append(i.source().toString());
            field.append(i.field());
            kind.append(i.kind().name());
            message.append(i.message());
        }
        return Table.create(title(), location, field, kind, message);
    }

    private String title() {
        int shown = Math.min(limit, report.issues().size());
        return shown == report.issueCount() ? "Issues" : "First " + shown + " of " + report.issueCount() + " issues";
    }

    @Override
    public MimeBundle mimeBundle() {
        StringBuilder html = new StringBuilder(Tables.paragraph(verdict())).append(Tables.html(files()));
        if (!report.isValid()) {
            html.append(Tables.html(issuesByKind())).append(Tables.html(issues()));
        }
        return MimeBundle.text(text()).withHtml(Tables.section("Validation", html.toString()));
    }

    public String text() {
        StringBuilder b = new StringBuilder(verdict()).append("\n\n").append(Tables.text(files()));
        if (!report.isValid()) {
            b.append('\n').append(Tables.text(issuesByKind())).append('\n').append(Tables.text(issues()));
        }
        return b.toString().stripTrailing();
    }

    @Override
    public String toString() {
        return text();
    }
}
