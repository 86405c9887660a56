package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.eval.monitor.DriftReport;
import io.tunebook.eval.monitor.RequestTiming;
import io.tunebook.eval.monitor.ServingStats;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** Notebook views of a latency probe's measurements and of a drift report. */
class MonitorViewsTest {
    @Test
    void servingStatsShowThroughputAndOneRowOfPercentilesPerMeasure() {
        ServingStats s = new ServingStats(List.of(new RequestTiming(100, 20, 10, 8, "a"),
                new RequestTiming(300, 60, 12, 4, "b"), new RequestTiming(200, 40, 9, 12, "c")), 2.0, 2);
        ServingStatsView view = assertInstanceOf(ServingStatsView.class, Views.of(s).orElseThrow());
        assertEquals("3 requests, 2 at a time, in 2.00 s: 12.0 generated tokens/s, 1.50 requests/s", view.title());
        Table t = view.table();
        assertEquals(List.of("latency", "time to first token"), t.stringColumn("ms").asList());
        assertEquals(200, t.doubleColumn("p50").get(0));
        assertEquals(300, t.doubleColumn("p95").get(0));
        assertEquals(40, t.doubleColumn("mean").get(1), 1e-12);
        String text = view.mimeBundle().text();
        assertTrue(text.startsWith(view.title() + "\nLatency percentiles (nearest rank)\n"), text);
        // Answers without text have no time to first token: the row is left out rather than shown empty.
        ServingStats silent = new ServingStats(List.of(new RequestTiming(50, Double.NaN, 3, 0, "")), 1, 1);
        assertEquals(1, ServingStatsView.of(silent).table().rowCount());
    }

    @Test
    void aDriftReportNamesItsAlertsAndReadsEachPsi() {
        double[] ref = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        DriftReport r = DriftReport.builder()
                .feature("same", ref, ref)
                .feature("longer", ref, new double[] {20, 21, 22, 23, 24, 25, 26, 27, 28, 29})
                .build();
        DriftView view = assertInstanceOf(DriftView.class, Views.of(r).orElseThrow());
        assertEquals("drift alert (PSI >= 0.25): longer", view.title());
        Table t = view.table();
        assertEquals(List.of("stable", "drift"), t.stringColumn("reading").asList());
        assertEquals(List.of("", "ALERT"), t.stringColumn("alert").asList());
        assertEquals(1.0, t.doubleColumn("KS").get(1), 0);
        assertTrue(view.mimeBundle().html().orElseThrow().contains(">ALERT</td>"));
        assertEquals("drift alert (PSI >= 0.25): none",
                DriftView.of(DriftReport.builder().feature("same", ref, ref).build()).title());
    }
}
