package io.tunebook.eval.judge;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mean rating of a grading run with a 95% normal-approximation interval of the mean.
 *
 * @param graded answers whose rating was read; the mean is over these (NaN when none, bounds NaN below 2)
 * @param unparseable answers with an unreadable or failed judgment
 * @param byCategory the same summary for each category (their own {@code byCategory} is empty)
 */
public record GradeSummary(int total, int graded, int unparseable, double mean, double low, double high,
        Map<String, GradeSummary> byCategory) {

    public GradeSummary {
        byCategory = Collections.unmodifiableMap(new TreeMap<>(byCategory));
    }

    public static GradeSummary of(List<GradeResult> results) {
        return stats(results, Categories.summarize(results, r -> r.item().category(), rs -> stats(rs, Map.of())));
    }

    private static GradeSummary stats(List<GradeResult> results, Map<String, GradeSummary> byCategory) {
        List<Double> ratings = results.stream().flatMap(r -> r.rating().stream()).toList();
        int n = ratings.size();
        double mean = ratings.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double low = Double.NaN;
        double high = Double.NaN;
        if (n >= 2) {
            double ss = 0;
            for (double r : ratings) {
                ss += (r - mean) * (r - mean);
            }
            double half = 1.959963984540054 * Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
            low = mean - half;
            high = mean + half;
        }
        return new GradeSummary(results.size(), n, results.size() - n, mean, low, high, byCategory);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format("%d graded of %d (%d unparseable): mean %.2f [%.2f, %.2f]",
                graded, total, unparseable, mean, low, high));
        byCategory.forEach((c, sum) -> s.append(String.format("%n  %s: mean %.2f (%d graded)", c, sum.mean,
                sum.graded)));
        return s.toString();
    }
}
