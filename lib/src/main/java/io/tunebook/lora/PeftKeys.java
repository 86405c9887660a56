package io.tunebook.lora;

/**
 * PEFT's tensor names. In memory (what a trainer sees) they carry the adapter's name, as PEFT's
 * {@code state_dict()} does ({@code ...q_proj.lora_A.default.weight}); in {@code adapter_model.safetensors}
 * the name is dropped ({@code ...q_proj.lora_A.weight}), the DoRA magnitude has no {@code .weight}
 * suffix, and a fully trained module is stored under its own path.
 */
final class PeftKeys {
    static final String PREFIX = "base_model.model.";

    private PeftKeys() {
    }

    /** @param adapter the adapter's name in memory, or null for the file key */
    static String loraA(String module, String adapter) {
        return PREFIX + module + ".lora_A" + tag(adapter) + ".weight";
    }

    static String loraB(String module, String adapter) {
        return PREFIX + module + ".lora_B" + tag(adapter) + ".weight";
    }

    static String magnitude(String module, String adapter) {
        return PREFIX + module + ".lora_magnitude_vector" + (adapter == null ? "" : "." + adapter + ".weight");
    }

    /** @param param {@code weight} or {@code bias} of a module in {@code modules_to_save} */
    static String savedModule(String module, String param, String adapter) {
        return PREFIX + module + (adapter == null ? "" : ".modules_to_save." + adapter) + "." + param;
    }

    /** A base bias; inside a LoRA layer the base module sits under {@code base_layer}. */
    static String bias(String module, boolean wrapped) {
        return PREFIX + module + (wrapped ? ".base_layer" : "") + ".bias";
    }

    private static String tag(String adapter) {
        return adapter == null ? "" : "." + adapter;
    }
}
