package io.tunebook.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One test example: what was asked, the reference answer, each candidate's answer and its scores.
 *
 * @param id the example's {@code id} field, else where it was read ({@code file:line})
 * @param category its {@code category} field, else empty
 * @param prompt the conversation up to the answer, as plain text (the user's message for a single turn)
 * @param answers by candidate, in candidate order
 * @param scores by candidate, then by metric (NaN where a metric does not apply)
 */
public record ExampleResult(String id, String category, String prompt, String reference, Map<String, String> answers,
        Map<String, Map<Metric, Double>> scores) {
    public ExampleResult {
        answers = Collections.unmodifiableMap(new LinkedHashMap<>(answers));
        Map<String, Map<Metric, Double>> copy = new LinkedHashMap<>();
        scores.forEach((c, m) -> copy.put(c, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
        scores = Collections.unmodifiableMap(copy);
    }
}
