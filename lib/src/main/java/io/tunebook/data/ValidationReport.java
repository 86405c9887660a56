package io.tunebook.data;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What validating one or more files found: per file, the format and row counts; every issue
 * counted by kind; the issues themselves, each naming file, line and field (the first
 * {@link DatasetLoader#maxIssues} of them, so that a huge broken file still reports in bounded
 * memory; {@link #issueCount()} counts them all). In lenient mode the invalid rows were skipped:
 * {@link #skippedRows()} says how many.
 */
public final class ValidationReport {
    private final List<FileSummary> files;
    private final List<Issue> issues;
    private final long issueCount;
    private final Map<IssueKind, Long> counts;
    private final boolean lenient;

    ValidationReport(List<FileSummary> files, List<Issue> issues, long issueCount, Map<IssueKind, Long> counts,
            boolean lenient) {
        this.files = List.copyOf(files);
        this.issues = List.copyOf(issues);
        this.issueCount = issueCount;
        EnumMap<IssueKind, Long> c = new EnumMap<>(IssueKind.class);
        c.putAll(counts);
        this.counts = Collections.unmodifiableMap(c);
        this.lenient = lenient;
    }

    /** The report of a dataset built in code: no files, no issues. */
    public static ValidationReport empty() {
        return new ValidationReport(List.of(), List.of(), 0, Map.of(), false);
    }

    /** The reports of several loads as one (files and issues in order; lenient if any was). */
    public static ValidationReport merge(List<ValidationReport> reports) {
        List<FileSummary> files = new ArrayList<>();
        List<Issue> issues = new ArrayList<>();
        Map<IssueKind, Long> counts = new EnumMap<>(IssueKind.class);
        long n = 0;
        boolean lenient = false;
        for (ValidationReport r : reports) {
            files.addAll(r.files);
            issues.addAll(r.issues);
            n += r.issueCount;
            r.counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
            lenient |= r.lenient;
        }
        return new ValidationReport(files, issues, n, counts, lenient);
    }

    public List<FileSummary> files() {
        return files;
    }

    /** The issues kept, in file and line order. */
    public List<Issue> issues() {
        return issues;
    }

    /** The kept issues of one kind. */
    public List<Issue> issues(IssueKind kind) {
        return issues.stream().filter(i -> i.kind() == kind).toList();
    }

    /** All issues found, kept or not. */
    public long issueCount() {
        return issueCount;
    }

    /** Whether some issues were counted but not kept. */
    public boolean truncated() {
        return issueCount > issues.size();
    }

    public Map<IssueKind, Long> countsByKind() {
        return counts;
    }

    public long count(IssueKind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    public long rows() {
        return files.stream().mapToLong(FileSummary::rows).sum();
    }

    public long validRows() {
        return files.stream().mapToLong(FileSummary::validRows).sum();
    }

    public long invalidRows() {
        return rows() - validRows();
    }

    /** Rows left out of the dataset: the invalid ones in lenient mode, none in strict mode. */
    public long skippedRows() {
        return lenient ? invalidRows() : 0;
    }

    public boolean lenient() {
        return lenient;
    }

    /** Whether every row is valid. */
    public boolean isValid() {
        return issueCount == 0;
    }

    /** The report as one JSON object (kinds in lower case). */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("valid", isValid());
        o.addProperty("mode", lenient ? "lenient" : "strict");
        o.addProperty("rows", rows());
        o.addProperty("valid_rows", validRows());
        o.addProperty("invalid_rows", invalidRows());
        o.addProperty("skipped_rows", skippedRows());
        o.addProperty("issue_count", issueCount);
        JsonObject byKind = new JsonObject();
        counts.forEach((k, v) -> byKind.addProperty(k.name().toLowerCase(Locale.ROOT), v));
        o.add("counts", byKind);
        JsonArray fs = new JsonArray();
        for (FileSummary f : files) {
            JsonObject j = new JsonObject();
            j.addProperty("file", String.valueOf(f.file()));
            j.addProperty("format", f.format() == null ? null : f.format().id());
            j.addProperty("format_forced", f.forced());
            j.addProperty("rows", f.rows());
            j.addProperty("valid_rows", f.validRows());
            j.addProperty("invalid_rows", f.invalidRows());
            fs.add(j);
        }
        o.add("files", fs);
        JsonArray is = new JsonArray();
        for (Issue i : issues) {
            JsonObject j = new JsonObject();
            j.addProperty("file", i.file() == null ? null : i.file().toString());
            j.addProperty("line", i.line());
            j.addProperty("field", i.field());
            j.addProperty("kind", i.kind().name().toLowerCase(Locale.ROOT));
            j.addProperty("message", i.message());
            is.add(j);
        }
        o.add("issues", is);
        o.addProperty("issues_truncated", truncated());
        return new GsonBuilder().disableHtmlEscaping().serializeNulls().create().toJson(o);
    }

    /** A per-file table, the issues one a line, and a verdict. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        Table t = new Table("FILE", "FORMAT", "ROWS", "VALID", "INVALID").rightAlign(2, 3, 4);
        for (FileSummary f : files) {
            t.row(String.valueOf(f.file()), f.format() == null ? "?" : f.format().id() + (f.forced() ? " (forced)" : ""),
                    f.rows(), f.validRows(), f.invalidRows());
        }
        b.append(t);
        if (!issues.isEmpty()) {
            Table it = new Table("LOCATION", "FIELD", "KIND", "MESSAGE");
            for (Issue i : issues) {
                it.row(i.source(), i.field().isEmpty() ? "-" : i.field(), i.kind(), i.message());
            }
            b.append('\n').append(it);
            if (truncated()) {
                b.append("... and ").append(issueCount - issues.size()).append(" more issues\n");
            }
        }
        b.append('\n');
        if (isValid()) {
            b.append(rows()).append(" rows, all valid");
        } else {
            b.append(invalidRows()).append(" of ").append(rows()).append(" rows invalid, ").append(issueCount)
                    .append(issueCount == 1 ? " issue" : " issues");
            List<String> parts = new ArrayList<>();
            counts.forEach((k, v) -> parts.add(k + " " + v));
            b.append(" (").append(String.join(", ", parts)).append(")");
            b.append(lenient ? "; lenient: " + skippedRows() + " rows skipped" : "; strict: the dataset is rejected");
        }
        return b.toString();
    }
}
