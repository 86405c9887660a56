package io.tunebook.lora;

import io.tunebook.model.Autograd;
import java.util.Map;

/** What every adapted layer of one {@link LoraModel} reads at each forward: the active adapter, on/off, train/eval. */
final class AdapterState {
    private String active;
    private boolean enabled = true;
    private boolean training = true;

    String active() {
        return active;
    }

    void active(String name) {
        active = name;
    }

    boolean enabled() {
        return enabled;
    }

    void enabled(boolean on) {
        enabled = on;
    }

    void training(boolean on) {
        training = on;
    }

    /** The active adapter's entry of a layer's map, or null when adapters are off or this layer has none. */
    <T> T activeIn(Map<String, T> perAdapter) {
        return enabled && active != null ? perAdapter.get(active) : null;
    }

    /**
     * Dropout acts only in a training step: the model is in training mode and a gradient is being
     * recorded, so evaluation and generation (which record none) never drop inputs.
     */
    boolean dropoutActive() {
        return training && Autograd.recording();
    }
}
