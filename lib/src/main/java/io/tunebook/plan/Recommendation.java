package io.tunebook.plan;

import java.util.List;

/** The outcome of {@link Decision}: an approach, and the criteria that led there, in order. */
public record Recommendation(Approach approach, List<Reason> reasons, Decision.Answers answers) {
    public Recommendation {
        reasons = List.copyOf(reasons);
    }

    /** One line: the approach and the first reason. */
    public String summary() {
        return approach.label() + ": " + reasons.get(0).criterion();
    }
}
