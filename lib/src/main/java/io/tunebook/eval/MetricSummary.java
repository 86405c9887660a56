package io.tunebook.eval;

import java.util.Objects;
import java.util.Optional;

/**
 * One cell of the summary: a candidate's corpus value of a metric with its 95% interval, and its
 * difference from the reference candidate with the paired interval (absent for the reference itself).
 */
public record MetricSummary(String candidate, Metric metric, ConfidenceInterval value, Optional<ConfidenceInterval> difference) {
    public MetricSummary {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(difference, "difference");
    }
}
