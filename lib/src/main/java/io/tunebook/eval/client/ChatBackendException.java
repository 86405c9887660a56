package io.tunebook.eval.client;

/** A chat request that got no answer. Its message never carries an API key. */
public class ChatBackendException extends RuntimeException {
    private final int status;

    /** @param status the HTTP status that ended the request, or 0 when there was none (I/O error, local model) */
    public ChatBackendException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public ChatBackendException(String message) {
        this(message, 0, null);
    }

    /** The HTTP status of the last attempt, 0 when there was no HTTP answer. */
    public int status() {
        return status;
    }
}
