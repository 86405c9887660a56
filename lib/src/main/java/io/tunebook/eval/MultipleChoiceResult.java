package io.tunebook.eval;

import java.util.List;

/**
 * Accuracies in [0, 1] with their standard errors (sample standard deviation over the square root
 * of the count, as lm-evaluation-harness reports them), and every item.
 */
public record MultipleChoiceResult(int count, double acc, double accStderr, double accNorm, double accNormStderr,
        double accBytes, double accBytesStderr, List<MultipleChoiceItem> items) {

    public MultipleChoiceResult {
        items = List.copyOf(items);
    }
}
