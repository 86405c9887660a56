package io.tunebook.eval.judge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The per-category breakdown shared by the summaries. */
final class Categories {
    private Categories() {
    }

    /** {@code summary} of each category's results, categories in name order. */
    static <R, S> Map<String, S> summarize(List<R> results, Function<R, String> category,
            Function<List<R>, S> summary) {
        Map<String, List<R>> groups = new TreeMap<>();
        for (R r : results) {
            groups.computeIfAbsent(category.apply(r), c -> new ArrayList<>()).add(r);
        }
        Map<String, S> out = new TreeMap<>();
        groups.forEach((c, rs) -> out.put(c, summary.apply(rs)));
        return out;
    }
}
