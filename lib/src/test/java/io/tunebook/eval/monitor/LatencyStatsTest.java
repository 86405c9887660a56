package io.tunebook.eval.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles, and what a load of requests adds up to. */
class LatencyStatsTest {
    @Test
    void percentilesAreTheNearestRankOfTheSortedValues() {
        // 1..20 ms shuffled: p50 is the 10th value, p90 the 18th, p95 the 19th, p99 the 20th.
        List<Double> ms = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            ms.add((double) i);
        }
        Collections.shuffle(ms, new Random(3));
        LatencyStats s = LatencyStats.of(ms);
        assertEquals(20, s.count());
        assertEquals(10.5, s.mean(), 1e-12);
        assertEquals(10, s.p50());
        assertEquals(18, s.p90());
        assertEquals(19, s.p95());
        assertEquals(20, s.p99());
        assertEquals(20, s.max());
        // A lone value is every percentile; p99 of 7 values is the slowest.
        assertEquals(42, LatencyStats.of(List.of(42.0)).p50());
        assertEquals(7, LatencyStats.of(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0)).p99());
        assertEquals(4, LatencyStats.percentile(new double[] {1, 2, 3, 4, 5, 6, 7}, 50));
    }

    @Test
    void badDurationsAreRefusedWithWhatWasWrong() {
        assertEquals("no durations: measure at least one request",
                assertThrows(IllegalArgumentException.class, () -> LatencyStats.of(List.of())).getMessage());
        assertEquals("a duration must be a finite number of milliseconds >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> LatencyStats.of(List.of(3.0, -1.0))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.percentile(new double[] {1}, 0));
    }

    @Test
    void servingStatsAddUpTokensAndLeaveOutAnswersWithoutText() {
        ServingStats s = new ServingStats(List.of(new RequestTiming(100, 20, 10, 8, "a"),
                new RequestTiming(300, Double.NaN, 12, 0, ""), new RequestTiming(200, 40, 9, 12, "b")), 2.0, 1);
        assertEquals(20, s.completionTokens());
        assertEquals(10, s.tokensPerSecond(), 1e-12);
        assertEquals(1.5, s.requestsPerSecond(), 1e-12);
        assertEquals(200, s.latency().p50());
        assertEquals(2, s.firstToken().orElseThrow().count());
        assertEquals(40, s.firstToken().orElseThrow().max());
        assertFalse(new ServingStats(List.of(new RequestTiming(5, Double.NaN, 1, 0, "")), 1, 1).firstToken().isPresent());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ServingStats(List.of(), 1, 1)).getMessage()
                .contains("no requests"));
    }
}
