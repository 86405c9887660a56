package io.tunebook.plan;

import java.util.Locale;

/** How a model is fine-tuned. */
public enum Method {
    /** Every weight trained, in the training precision. */
    FULL,
    /** Frozen base in the training precision, float32 low-rank adapters trained (PEFT). */
    LORA,
    /** Base projections frozen in NF4 with double quantization, float32 adapters trained on top. */
    QLORA;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Method parse(String s) {
        return Names.parse(values(), Method::cliName, "method", s);
    }
}
