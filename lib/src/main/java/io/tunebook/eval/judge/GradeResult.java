package io.tunebook.eval.judge;

import java.util.Optional;

/** The 1 to 10 rating of one answer. */
public record GradeResult(GradingItem item, Judgment<Double> judgment) {
    public Optional<Double> rating() {
        return judgment.parsed();
    }
}
