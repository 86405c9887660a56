package io.tunebook.model;

import io.tunebook.data.Message;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How a local model is asked a chat: the messages rendered and encoded as the renderer says, and
 * decoding that ends with the assistant's turn. An end of turn spelled as one special token
 * ({@code <|im_end|>}) joins the model's EOS ids: decoded text skips special tokens, so as a stop
 * string it would never be seen. Any other end-of-turn text is a stop string.
 */
public final class ChatEncoding {
    private final CausalLM model;
    private final PromptRenderer renderer;
    private final List<String> stopStrings = new ArrayList<>();
    private final List<Long> stopIds = new ArrayList<>();

    private ChatEncoding(CausalLM model, PromptRenderer renderer) {
        if (!model.hasTokenizer()) {
            throw new IllegalArgumentException("the model has no tokenizer: it cannot chat");
        }
        this.model = model;
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        Tokenizer tokenizer = model.tokenizer();
        for (String stop : renderer.stopStrings()) {
            OptionalLong id = tokenizer.tokenId(stop);
            if (id.isPresent() && tokenizer.specialIds().contains(id.getAsLong())) {
                stopIds.add(id.getAsLong());
            } else {
                stopStrings.add(stop);
            }
        }
    }

    public static ChatEncoding of(CausalLM model, PromptRenderer renderer) {
        return new ChatEncoding(model, renderer);
    }

    /** With the model's own chat template, or the transcript when it has none. */
    public static ChatEncoding of(CausalLM model) {
        return of(model, PromptRenderer.forTokenizer(model.tokenizer()));
    }

    public PromptRenderer renderer() {
        return renderer;
    }

    /** The prompt's token ids. */
    public long[] promptIds(List<Message> messages) {
        return model.tokenizer().encode(renderer.render(messages), renderer.addSpecialTokens());
    }

    /** The id that ends an answer as fine-tuning taught it: the end-of-turn token, else the EOS; empty when neither exists. */
    public OptionalLong endOfAnswerId() {
        return stopIds.isEmpty() ? model.tokenizer().eosId() : OptionalLong.of(stopIds.get(0));
    }

    /** {@code settings} that also stop at the end of the assistant's turn. */
    public GenerationSettings untilEndOfTurn(GenerationSettings settings) {
        List<String> stops = new ArrayList<>(settings.stopStrings());
        stops.addAll(stopStrings);
        GenerationSettings.Builder b = settings.toBuilder().stopStrings(stops.toArray(String[]::new));
        if (!stopIds.isEmpty()) {
            Set<Long> eos = new LinkedHashSet<>(settings.eosTokenIds().orElseGet(() -> model.generationConfig()
                    .eosTokenIds().stream().map(Integer::longValue).toList()));
            eos.addAll(stopIds);
            b.eosTokenIds(List.copyOf(eos));
        }
        return b.build();
    }
}
