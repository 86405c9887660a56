package io.tunebook.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Collects a {@link ValidationReport} while rows stream by; keeps at most {@code maxIssues} issues. */
final class ReportBuilder {
    private final boolean lenient;
    private final int maxIssues;
    private final List<FileSummary> files = new ArrayList<>();
    private final List<Issue> issues = new ArrayList<>();
    private final Map<IssueKind, Long> counts = new EnumMap<>(IssueKind.class);
    private long issueCount;
    private Path file;
    private DatasetFormat format;
    private boolean forced;
    private long rows;
    private long valid;

    ReportBuilder(boolean lenient, int maxIssues) {
        this.lenient = lenient;
        this.maxIssues = maxIssues;
    }

    void startFile(Path f, DatasetFormat fmt, boolean isForced) {
        endFile();
        this.file = f;
        this.format = fmt;
        this.forced = isForced;
        this.rows = 0;
        this.valid = 0;
    }

    void endFile() {
        if (file != null) {
            files.add(new FileSummary(file, format, forced, rows, valid));
            file = null;
        }
    }

    void valid() {
        rows++;
        valid++;
    }

    void invalid(List<Issue> rowIssues) {
        rows++;
        for (Issue i : rowIssues) {
            issueCount++;
            counts.merge(i.kind(), 1L, Long::sum);
            if (issues.size() < maxIssues) {
                issues.add(i);
            }
        }
    }

    boolean hasIssues() {
        return issueCount > 0;
    }

    ValidationReport build() {
        endFile();
        return new ValidationReport(files, issues, issueCount, counts, lenient);
    }
}
