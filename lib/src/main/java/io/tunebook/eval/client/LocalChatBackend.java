package io.tunebook.eval.client;

import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.GenerationResult.FinishReason;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import java.util.ArrayList;
import java.util.List;

/**
 * A tunebook model answering in-process: the messages rendered to a prompt, then
 * {@link Generator}. Calls are serialized because a model decodes one batch at a time.
 */
public final class LocalChatBackend implements ChatBackend {
    private final CausalLM model;
    private final PromptRenderer renderer;
    private final String modelId;

    /** @param modelId the name results are reported under (the model directory's name, say) */
    public LocalChatBackend(CausalLM model, PromptRenderer renderer, String modelId) {
        if (!model.hasTokenizer()) {
            throw new IllegalArgumentException("model " + modelId + " has no tokenizer: it cannot chat");
        }
        this.model = model;
        this.renderer = renderer;
        this.modelId = modelId;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public synchronized ChatResponse chat(ChatRequest request) {
        List<String> stops = new ArrayList<>(request.stop());
        stops.addAll(renderer.stopStrings());
        GenerationSettings.Builder settings = GenerationSettings.builder()
                .maxNewTokens(request.maxTokens())
                .temperature(request.temperature())
                .stopStrings(stops.toArray(String[]::new));
        request.seed().ifPresent(settings::seed);
        long[] prompt = model.tokenizer().encode(renderer.render(request.messages()), true);
        GenerationResult r;
        try {
            r = Generator.of(model).generateIds(List.of(prompt), settings.build(), null).get(0);
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
