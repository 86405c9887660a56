package io.tunebook.display;

/** A validation loss measured after {@code step} optimizer steps. */
public record EvalLoss(int step, double loss) {
}
