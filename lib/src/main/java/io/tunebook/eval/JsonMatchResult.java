package io.tunebook.eval;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Structured-output scores over a set of outputs, each rate in [0, 1].
 *
 * @param fieldAccuracy for each top-level field of the references, the fraction of outputs that
 *     reproduce its value, by field name
 * @param checks one per output, in order
 */
public record JsonMatchResult(int count, double validRate, double schemaValidRate, double exactMatchRate,
        Map<String, Double> fieldAccuracy, List<JsonCheck> checks) {

    public JsonMatchResult {
        fieldAccuracy = Collections.unmodifiableMap(new TreeMap<>(fieldAccuracy));
        checks = List.copyOf(checks);
    }
}
