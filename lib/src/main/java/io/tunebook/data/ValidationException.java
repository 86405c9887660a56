package io.tunebook.data;

/** Strict loading found invalid rows; the report names every one (file, line, field, kind). */
public final class ValidationException extends RuntimeException {
    private final transient ValidationReport report;

    public ValidationException(ValidationReport report) {
        super(summary(report));
        this.report = report;
    }

    public ValidationReport report() {
        return report;
    }

    private static String summary(ValidationReport r) {
        StringBuilder b = new StringBuilder();
        b.append(r.invalidRows()).append(" of ").append(r.rows()).append(" rows invalid (").append(r.issueCount())
                .append(r.issueCount() == 1 ? " issue" : " issues").append(")");
        int shown = 0;
        for (Issue i : r.issues()) {
            if (shown++ == 5) {
                b.append("\n  ...");
                break;
            }
            b.append("\n  ").append(i);
        }
        return b.toString();
    }
}
