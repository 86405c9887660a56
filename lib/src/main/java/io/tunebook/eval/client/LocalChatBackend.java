package io.tunebook.eval.client;

import io.tunebook.model.CausalLM;
import io.tunebook.model.ChatEncoding;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.GenerationResult.FinishReason;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import io.tunebook.model.PromptRenderer;
import java.util.Arrays;
import java.util.List;

/**
 * A tunebook model answering in-process: the messages rendered to a prompt (see {@link ChatEncoding}),
 * then {@link Generator}. Calls are serialized because a model decodes one batch at a time.
 */
public final class LocalChatBackend implements ChatBackend {
    private final CausalLM model;
    private final ChatEncoding encoding;
    private final String modelId;
    private final boolean scoresChoices;

    /** @param modelId the name results are reported under (the model directory's name, say) */
    public LocalChatBackend(CausalLM model, PromptRenderer renderer, String modelId) {
        this(model, encoding(model, renderer, modelId), modelId, false);
    }

    private LocalChatBackend(CausalLM model, ChatEncoding encoding, String modelId, boolean scoresChoices) {
        this.model = model;
        this.encoding = encoding;
        this.modelId = modelId;
        this.scoresChoices = scoresChoices;
    }

    /** With the model's own chat template, or the transcript when it has none. */
    public LocalChatBackend(CausalLM model, String modelId) {
        this(model, model.hasTokenizer() ? PromptRenderer.forTokenizer(model.tokenizer()) : PromptRenderer.transcript(),
                modelId);
    }

    private static ChatEncoding encoding(CausalLM model, PromptRenderer renderer, String modelId) {
        if (!model.hasTokenizer()) {
            throw new IllegalArgumentException("model " + modelId + " has no tokenizer: it cannot chat");
        }
        return ChatEncoding.of(model, renderer);
    }

    /**
     * This backend, answering a request that lists {@link ChatRequest#choices() choices} with the one whose tokens
     * are likeliest after the prompt (their log-probabilities summed), in one forward pass per choice instead of a
     * generation. A judge then always gives a verdict, and at once: the verdict is read off the model's
     * distribution, without the explanation a generating judge writes first (which helps large judges reason).
     */
    public LocalChatBackend scoringChoices() {
        return new LocalChatBackend(model, encoding, modelId, true);
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
        if (scoresChoices && !request.choices().isEmpty()) {
            return likeliest(prompt, request.choices());
        }
        GenerationResult r;
        try {
            r = Generator.of(model).generateIds(List.of(prompt), encoding.untilEndOfTurn(settings.build()), null).get(0);
        } catch (IllegalArgumentException e) {
            throw new ChatBackendException(modelId + ": " + e.getMessage(), 0, e);
        }
        return new ChatResponse(r.text(), finishReason(r.finishReason()), new TokenUsage(prompt.length,
                r.ids().length), false);
    }

    private ChatResponse likeliest(long[] prompt, List<String> choices) {
        String best = null;
        double bestLogProb = Double.NEGATIVE_INFINITY;
        for (String choice : choices) {
            long[] answer = model.tokenizer().encode(choice, false);
            long[] ids = Arrays.copyOf(prompt, prompt.length + answer.length);
            System.arraycopy(answer, 0, ids, prompt.length, answer.length);
            float[] next;
            try {
                next = model.tokenLogProbs(ids); // next[i] = log p(ids[i + 1] | ids[0..i])
            } catch (IllegalArgumentException e) {
                throw new ChatBackendException(modelId + ": " + e.getMessage(), 0, e);
            }
            double logProb = 0;
            for (int i = prompt.length - 1; i < ids.length - 1; i++) {
                logProb += next[i];
            }
            if (logProb > bestLogProb) {
                bestLogProb = logProb;
                best = choice;
            }
        }
        return new ChatResponse(best, "stop", new TokenUsage(prompt.length, 0), false);
    }

    /** OpenAI's {@code finish_reason} for how a generation ended: {@code stop} or {@code length}. */
    public static String finishReason(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "length" : "stop";
    }
}
