package io.tunebook.lora;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Which base-model biases train along with the adapters: PEFT's {@code bias} option. */
public enum LoraBias {
    /** No bias trains: the adapter alone changes the model. */
    NONE("none"),
    /** Every bias of the model trains (they are saved with the adapter). */
    ALL("all"),
    /** The biases of the modules that carry an adapter train. */
    LORA_ONLY("lora_only");

    private final String peftName;

    LoraBias(String peftName) {
        this.peftName = peftName;
    }

    /** The value of {@code bias} in {@code adapter_config.json}. */
    public String peftName() {
        return peftName;
    }

    public static LoraBias fromPeftName(String name) {
        for (LoraBias b : values()) {
            if (b.peftName.equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("bias must be one of "
                + Arrays.stream(values()).map(LoraBias::peftName).collect(Collectors.joining(", ")) + ", got '" + name + "'");
    }
}
