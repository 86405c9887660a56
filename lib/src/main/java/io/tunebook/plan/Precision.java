package io.tunebook.plan;

import java.util.Locale;

/** The dtype of weights, gradients and activations in a run. */
public enum Precision {
    BF16(2), FP16(2), FP32(4);

    private final int bytes;

    Precision(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Precision parse(String s) {
        return Names.parse(values(), Precision::cliName, "precision", s);
    }
}
