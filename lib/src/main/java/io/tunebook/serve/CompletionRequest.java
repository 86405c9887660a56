package io.tunebook.serve;

import io.tunebook.model.GenerationSettings;
import java.util.List;

/**
 * A validated request, ready for the generation worker.
 *
 * @param prompts token ids of each prompt (one for chat, one or more for completions)
 * @param settings decoding settings, {@code maxNewTokens} already bounded
 * @param includeUsage whether a stream ends with a usage chunk ({@code stream_options.include_usage})
 */
record CompletionRequest(Endpoint endpoint, List<long[]> prompts, GenerationSettings settings, boolean stream,
        boolean includeUsage) {

    enum Endpoint {
        CHAT("chat.completion", "chatcmpl-"),
        TEXT("text_completion", "cmpl-");

        final String object;
        final String idPrefix;

        Endpoint(String object, String idPrefix) {
            this.object = object;
            this.idPrefix = idPrefix;
        }
    }

    CompletionRequest {
        prompts = List.copyOf(prompts);
    }
}
