package io.tunebook.eval.client;

/** Something that answers chat requests: a remote OpenAI-compatible endpoint or a local model. Thread-safe. */
public interface ChatBackend {
    /** The model name results are reported under. */
    String modelId();

    /**
     * The assistant's answer to {@code request}.
     *
     * @throws ChatBackendException when no answer could be had (after any retries)
     */
    ChatResponse chat(ChatRequest request);
}
