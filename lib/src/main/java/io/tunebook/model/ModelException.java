package io.tunebook.model;

/** A model directory or file cannot be used; the message names the file and the field or tensor. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
