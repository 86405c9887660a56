package io.tunebook.lora;

/** How a new adapter's matrices start: PEFT's {@code init_lora_weights}. */
public enum LoraInit {
    /**
     * PEFT's default ({@code true}): A Kaiming-uniform as {@code nn.Linear} does, i.e. uniform in
     * ±1/√in, and B zero, so the adapted model starts equal to the base.
     */
    KAIMING_UNIFORM,
    /** PEFT's {@code "gaussian"}: A from N(0, 1/r²), B zero. */
    GAUSSIAN,
    /**
     * PEFT's {@code false}: A and B both Kaiming-uniform, so the adapter changes the model from the
     * start; for tests of merging and saving, not for training.
     */
    RANDOM
}
