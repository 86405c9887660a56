package io.tunebook.model;

import ai.djl.ndarray.NDArray;

/**
 * A linear module slot of the transformer (q/k/v/o, gate/up/down, lm_head). A plain {@link Linear}
 * fills it; adapters (LoRA) fill it with a wrapper around the frozen {@link #base()} layer, the way
 * PEFT replaces {@code nn.Linear} modules.
 */
public interface Projection {
    NDArray forward(NDArray x);

    /** Module path in Hugging Face naming, e.g. {@code model.layers.3.mlp.up_proj}. */
    String name();

    /** The frozen layer under any wrappers: a dense {@link Linear}, or a quantized one. */
    Projection base();

    long inFeatures();

    long outFeatures();
}
