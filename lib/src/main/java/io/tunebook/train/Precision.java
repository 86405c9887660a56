package io.tunebook.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The dtype a run computes in, as transformers' {@code fp16}/{@code bf16} switches; the planner sizes weights,
 * gradients and activations by it ({@link #bytes}).
 */
public enum Precision {
    FP32(4),
    BF16(2),
    FP16(2);

    private final int bytes;

    Precision(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes of one element. */
    public int bytes() {
        return bytes;
    }

    /** The name in run configs and on the command line: {@code fp32}, {@code bf16}, {@code fp16}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Precision parse(String value) {
        return Arrays.stream(values()).filter(p -> p.cliName().equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown precision '" + value + "'; expected one of "
                        + Arrays.stream(values()).map(Precision::cliName).collect(Collectors.joining(", "))));
    }
}
