package io.tunebook.lora;

import java.util.Locale;

/**
 * The counts PEFT's {@code print_trainable_parameters} prints: trainable weights (the active
 * adapter, its fully trained modules and the biases its {@code bias} mode trains) against all weights
 * (the base model, counting a tied embedding once, plus every adapter's own weights).
 */
public record TrainableParameters(long trainable, long all) {
    public TrainableParameters {
        if (trainable < 0 || all <= 0 || trainable > all) {
            throw new IllegalArgumentException("need 0 <= trainable <= all and all > 0, got " + trainable + " / " + all);
        }
    }

    public double trainablePercent() {
        return 100.0 * trainable / all;
    }

    /** PEFT's line, e.g. {@code trainable params: 172,032 || all params: 6,372,608 || trainable%: 2.6996}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "trainable params: %,d || all params: %,d || trainable%%: %.4f",
                trainable, all, trainablePercent());
    }
}
