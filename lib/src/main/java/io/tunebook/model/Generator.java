package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunebook.data.Message;
import io.tunebook.model.GenerationResult.FinishReason;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Autoregressive decoding with a KV cache. Several prompts decode together, left-padded so that
 * their last tokens line up; padding is masked out and positions count real tokens only, so each
 * row decodes exactly as it would alone.
 */
public final class Generator {
    private final CausalLM model;

    private Generator(CausalLM model) {
        this.model = model;
    }

    public static Generator of(CausalLM model) {
        return new Generator(model);
    }

    /**
     * The assistant's next turn in a conversation: the messages rendered by the model's chat template (a plain
     * transcript when it has none, see {@link ChatEncoding}), decoding that stops at the end of the assistant's turn
     * as well as at {@code settings}' own stops.
     */
    public GenerationResult chat(List<Message> messages, GenerationSettings settings) {
        return chat(messages, settings, null);
    }

    /** {@link #chat(List, GenerationSettings)}, telling {@code listener} (when not null) each token as it comes. */
    public GenerationResult chat(List<Message> messages, GenerationSettings settings, TokenListener listener) {
        ChatEncoding chat = ChatEncoding.of(model);
        return generateIds(List.of(chat.promptIds(messages)), chat.untilEndOfTurn(settings), listener).get(0);
    }

    public GenerationResult generate(String prompt, GenerationSettings settings) {
        return generate(List.of(prompt), settings, null).get(0);
    }

    /** Encodes each prompt with the tokenizer's special tokens (BOS where the model uses one). */
    public List<GenerationResult> generate(List<String> prompts, GenerationSettings settings, TokenListener listener) {
        Tokenizer tokenizer = model.tokenizer();
        List<long[]> ids = new ArrayList<>();
        for (String p : prompts) {
            ids.add(tokenizer.encode(p, true));
        }
        return generateIds(ids, settings, listener);
    }

    public List<GenerationResult> generateIds(List<long[]> prompts, GenerationSettings settings, TokenListener listener) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        int batch = prompts.size();
        int longest = 0;
        for (long[] p : prompts) {
            if (p.length == 0) {
                throw new IllegalArgumentException("a prompt must have at least one token");
            }
            longest = Math.max(longest, p.length);
        }
        int maxPositions = model.config().maxPositionEmbeddings();
        if (longest > maxPositions) {
            throw new IllegalArgumentException("prompt of " + longest + " tokens is longer than the model's "
                    + maxPositions + " positions");
        }
        Set<Long> eos = new LinkedHashSet<>(settings.eosTokenIds()
                .orElseGet(() -> model.generationConfig().eosTokenIds().stream().map(Integer::longValue).toList()));
        Row[] rows = new Row[batch];
        for (int b = 0; b < batch; b++) {
            rows[b] = new Row(prompts.get(b), settings, model.hasTokenizer() ? model.tokenizer() : null);
        }
        long padId = model.generationConfig().padTokenId().orElse(eos.isEmpty() ? 0 : eos.iterator().next().intValue());

        int steps = Math.min(settings.maxNewTokens(), maxPositions - longest);
        // The padding mask grows by one column per step; kept in Java and re-sent (it is tiny).
        int total = longest + steps;
        long[] mask = new long[batch * total];
        long[] inputIds = new long[batch * longest];
        long[] positions = new long[batch * longest];
        long[] nextPosition = new long[batch];
        for (int b = 0; b < batch; b++) {
            long[] p = prompts.get(b);
            int pad = longest - p.length;
            for (int t = 0; t < longest; t++) {
                boolean real = t >= pad;
                inputIds[b * longest + t] = real ? p[t - pad] : padId;
                positions[b * longest + t] = real ? t - pad : 0;
                mask[b * total + t] = real ? 1 : 0;
            }
            nextPosition[b] = p.length;
        }

        Transformer net = model.transformer();
        try (NDManager generation = model.manager().newSubManager();
                KvCache cache = new KvCache(generation, model.config().numHiddenLayers())) {
            int seq = longest;
            long[] stepIds = inputIds;
            long[] stepPositions = positions;
            for (int step = 0; step < steps; step++) {
                float[] lastLogits;
                int keys = seq + step;
                try (NDManager m = generation.newSubManager()) {
                    int len = step == 0 ? seq : 1;
                    NDArray ids = Tensors.of(m, stepIds, new Shape(batch, len));
                    NDArray pos = Tensors.of(m, stepPositions, new Shape(batch, len));
                    NDArray padding = Tensors.of(m, columns(mask, batch, total, keys), new Shape(batch, keys));
                    NDArray hidden = net.hiddenStates(ids, pos, padding, cache);
                    lastLogits = net.logits(hidden.get(":, -1:, :")).toFloatArray();
                }
                int vocab = lastLogits.length / batch;
                stepIds = new long[batch];
                stepPositions = new long[batch];
                boolean allDone = true;
                for (int b = 0; b < batch; b++) {
                    Row row = rows[b];
                    long next = padId;
                    if (row.finish == null) {
                        float[] logits = new float[vocab];
                        System.arraycopy(lastLogits, b * vocab, logits, 0, vocab);
                        next = row.sampler.next(logits, row.seen);
                        row.accept(next, eos, settings, b, listener);
                        if (row.finish == null && step == steps - 1) {
                            row.finish = FinishReason.LENGTH;
                        }
                    }
                    allDone &= row.finish != null;
                    stepIds[b] = next;
                    stepPositions[b] = nextPosition[b]++;
                    mask[b * total + keys] = 1;
                }
                if (allDone) {
                    break;
                }
            }
        }
        List<GenerationResult> results = new ArrayList<>();
        for (Row row : rows) {
            results.add(row.result());
        }
        return results;
    }

    /** The first {@code keys} columns of a {@code [batch, total]} row-major mask. */
    private static long[] columns(long[] mask, int batch, int total, int keys) {
        long[] out = new long[batch * keys];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(mask, b * total, out, b * keys, keys);
        }
        return out;
    }

    /** Decoding state of one prompt. */
    private static final class Row {
        final long[] prompt;
        final Sampler sampler;
        final Tokenizer tokenizer;
        final Set<Long> seen = new LinkedHashSet<>();
        final List<Long> generated = new ArrayList<>();
        String text = "";
        String streamed = "";
        FinishReason finish;

        Row(long[] prompt, GenerationSettings settings, Tokenizer tokenizer) {
            this.prompt = prompt;
            this.sampler = new Sampler(settings);
            this.tokenizer = tokenizer;
            for (long id : prompt) {
                seen.add(id);
            }
        }

        void accept(long id, Set<Long> eos, GenerationSettings settings, int index, TokenListener listener) {
            generated.add(id);
            seen.add(id);
            if (eos.contains(id)) {
                finish = FinishReason.EOS;
            } else if (tokenizer != null && (listener != null || !settings.stopStrings().isEmpty())) {
                // Decoding the whole text again costs O(length) per token: only when a stop string or a listener needs it.
                text = tokenizer.decode(ids(false), true);
                int cut = -1;
                for (String stop : settings.stopStrings()) {
                    int at = text.indexOf(stop);
                    if (at >= 0 && (cut < 0 || at < cut)) {
                        cut = at;
                    }
                }
                if (cut >= 0) {
                    text = text.substring(0, cut);
                    finish = FinishReason.STOP_STRING;
                }
            }
            if (listener != null) {
                listener.onToken(index, id, delta());
            }
        }

        /** New visible text since the last call, holding back a trailing partial UTF-8 character. */
        private String delta() {
            String visible = text.endsWith("\uFFFD") && finish == null ? text.substring(0, text.length() - 1) : text;
            if (!visible.startsWith(streamed)) {
                return "";
            }
            String delta = visible.substring(streamed.length());
            streamed = visible;
            return delta;
        }

        long[] ids(boolean withEos) {
            int n = generated.size() - (!withEos && finish == FinishReason.EOS ? 1 : 0);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = generated.get(i);
            }
            return out;
        }

        GenerationResult result() {
            if (tokenizer != null && finish != FinishReason.STOP_STRING) {
                text = tokenizer.decode(ids(false), true);
            }
            return new GenerationResult(text, prompt, ids(true), finish == null ? FinishReason.LENGTH : finish);
        }
    }
}
