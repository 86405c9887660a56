package io.tunebook.data;

/**
 * A chat template could not render a conversation: a syntax error, a {@code raise_exception} of
 * the template itself, or a template whose renderings cannot be split into turns. The message names
 * the template and, where known, the line of the template and the example.
 */
public final class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
