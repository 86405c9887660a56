package io.tunebook.display;

import io.tunebook.eval.monitor.LatencyStats;
import io.tunebook.eval.monitor.ServingStats;
import java.util.Locale;
import java.util.Optional;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** A served model's latency and time-to-first-token percentiles, under a line with its throughput. */
public final class ServingStatsView implements Displayable {
    private final ServingStats stats;

    private ServingStatsView(ServingStats stats) {
        this.stats = stats;
    }

    public static ServingStatsView of(ServingStats stats) {
        return new ServingStatsView(stats);
    }

    public String title() {
        return String.format(Locale.ROOT, "%d requests, %d at a time, in %.2f s: %.1f generated tokens/s, %.2f requests/s",
                stats.requests().size(), stats.concurrency(), stats.wallSeconds(), stats.tokensPerSecond(),
                stats.requestsPerSecond());
    }

    /** One row a measure (latency, time to first token), milliseconds in the columns. */
    public Table table() {
        StringColumn measure = StringColumn.create("ms");
        DoubleColumn[] cols = {Tables.decimals("mean", 1), Tables.decimals("p50", 1), Tables.decimals("p90", 1),
            Tables.decimals("p95", 1), Tables.decimals("p99", 1), Tables.decimals("max", 1)};
        add(measure, cols, "latency", stats.latency());
        Optional<LatencyStats> ttft = stats.firstToken();
        ttft.ifPresent(t -> add(measure, cols, "time to first token", t));
        Table t = Table.create("Latency percentiles (nearest rank)", measure);
        t.addColumns(cols);
        return t;
    }

    private static void add(StringColumn measure, DoubleColumn[] cols, String name, LatencyStats s) {
        measure.append(name);
        double[] v = {s.mean(), s.p50(), s.p90(), s.p95(), s.p99(), s.max()};
        for (int i = 0; i < v.length; i++) {
            cols[i].append(v[i]);
        }
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
