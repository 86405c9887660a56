package io.tunebook.display;

import io.tunebook.eval.monitor.DriftReport;
import io.tunebook.eval.monitor.FeatureDrift;
import java.util.Locale;
import java.util.stream.Collectors;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Drift feature by feature: both windows' means, PSI and its reading, KS against its 5 % critical value, alert. */
public final class DriftView implements Displayable {
    private final DriftReport report;

    private DriftView(DriftReport report) {
        this.report = report;
    }

    public static DriftView of(DriftReport report) {
        return new DriftView(report);
    }

    public String title() {
        String alerts = report.alerts().stream().map(FeatureDrift::feature).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "drift alert (PSI >= %.2f): %s", report.psiAlert(),
                alerts.isEmpty() ? "none" : alerts);
    }

    public Table table() {
        StringColumn feature = StringColumn.create("feature");
        DoubleColumn ref = Tables.decimals("reference mean", 3);
        DoubleColumn prod = Tables.decimals("production mean", 3);
        DoubleColumn psi = Tables.decimals("PSI", 3);
        StringColumn reading = StringColumn.create("reading");
        DoubleColumn ks = Tables.decimals("KS", 3);
        DoubleColumn critical = Tables.decimals("KS 5 %", 3);
        StringColumn alert = StringColumn.create("alert");
        for (FeatureDrift f : report.features()) {
            feature.append(f.feature());
            ref.append(f.referenceMean());
            prod.append(f.productionMean());
            psi.append(f.psi());
            reading.append(f.psiReading());
            ks.append(f.ks());
            critical.append(f.ksCritical());
            alert.append(f.alert() ? "ALERT" : "");
        }
        return Table.create("Reference window against production window", feature, ref, prod, psi, reading, ks,
                critical, alert);
    }

    @Override
    public MimeBundle mimeBundle() {
        return Tables.titled(title(), table());
    }

    @Override
    public String toString() {
        return title();
    }
}
