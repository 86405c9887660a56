package io.tunebook.eval.client;

import io.tunebook.model.CausalLM;
import io.tunebook.model.ChatEncoding;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.GenerationResult.FinishReason;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import io.tunebook.model.PromptRenderer;
import java.util.List;

/**
 * A tunebook model answering in-process: the messages rendered to a prompt (see {@link ChatEncoding}),
 * then {@link Generator}. Calls are serialized because a model decodes one batch at a time.
 */
public final class LocalChatBackend implements ChatBackend {
    private final CausalLM model;
    private final ChatEncoding encoding;
    private final String modelId;

    /** @param modelId the name results are reported under (the model directory's name, say) */
    public LocalChatBackend(CausalLM model, PromptRenderer renderer, String modelId) {
        if (!model.hasTokenizer()) {
            throw new IllegalArgumentException("model " + modelId + " has no tokenizer: it cannot chat");
        }
        this.model = model;
        this.encoding = ChatEncoding.of(model, renderer);
        this.modelId = modelId;
    }

    /** With the model's own chat template, or the transcript when it has none. */
    public LocalChatBackend(CausalLM model, String modelId) {
        this(model, model.hasTokenizer() ? PromptRenderer.forTokenizer(model.tokenizer()) : PromptRenderer.transcript(),
                modelId);
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public synchronized ChatResponse chat(ChatRequest request) {
        GenerationSettings.Builder settings = GenerationSettings.builder()
                .maxNewTokens(request.maxTokens())
                .temperature(request.temperature())
                .stopStrings(request.stop().toArray(String[]::new));
        request.seed().ifPresent(settings::seed);
        long[] prompt = encoding.promptIds(request.messages());
        GenerationResult r;
        try {
            r = Generator.of(model).generateIds(List.of(prompt), encoding.untilEndOfTurn(settings.build()), null).get(0);
        } catch (IllegalArgumentException e) {
            throw new ChatBackendException(modelId + ": " + e.getMessage(), 0, e);
        }
        return new ChatResponse(r.text(), finishReason(r.finishReason()), new TokenUsage(prompt.length,
                r.ids().length), false);
    }

    /** OpenAI's {@code finish_reason} for how a generation ended: {@code stop} or {@code length}. */
    public static String finishReason(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "length" : "stop";
    }
}
