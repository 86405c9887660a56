package io.tunebook.lora;

/** A LoRA configuration, adapter file or operation that cannot be honoured; the message says which and why. */
public class LoraException extends RuntimeException {
    public LoraException(String message) {
        super(message);
    }

    public LoraException(String message, Throwable cause) {
        super(message, cause);
    }
}
