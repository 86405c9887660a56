package io.tunebook.train;

/** The loss or the gradients became NaN or infinite; the weights are those of the last good step. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
