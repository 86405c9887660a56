package io.tunebook.model;

import io.tunebook.data.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Autoregressive decoding with a KV cache. Several prompts decode together in a {@link BatchDecoder}
 * (left-padded so that their last tokens line up, padding masked out, positions counting real
 * tokens only), so each row decodes as it would alone; finished rows leave the batch.
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

    /**
     * Decodes the prompts together in one {@link BatchDecoder}: each row gives what it would alone,
     * and a row that finishes leaves the batch. An exception from the listener ends the call.
     */
    public List<GenerationResult> generateIds(List<long[]> prompts, GenerationSettings settings, TokenListener listener) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        List<BatchDecoder.Sequence> sequences = new ArrayList<>();
        try (BatchDecoder decoder = new BatchDecoder(model, Integer.MAX_VALUE, false)) {
            for (int i = 0; i < prompts.size(); i++) {
                sequences.add(decoder.add(prompts.get(i), settings, i, listener));
            }
            while (decoder.active() > 0) {
                for (BatchDecoder.Sequence done : decoder.step()) {
                    if (done.failure().isPresent()) {
                        throw done.failure().get();
                    }
                }
            }
        }
        List<GenerationResult> results = new ArrayList<>();
        for (BatchDecoder.Sequence s : sequences) {
            results.add(s.result());
        }
        return results;
    }

    /**
     * Decodes many prompts with at most {@code batchSize} rows at a time: shortest prompts first, so
     * that rows decoding together are padded little, and a finished row's place is taken by the next
     * prompt at the next step. Results are in the order of {@code prompts}.
     *
     * @param beforeStep run before every step (a check that may throw to stop, as an interrupt does)
     */
    public List<GenerationResult> generateIds(List<long[]> prompts, GenerationSettings settings, int batchSize,
            Runnable beforeStep) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        Integer[] order = new Integer[prompts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> prompts.get(i).length));
        GenerationResult[] out = new GenerationResult[prompts.size()];
        // The decoder refills a finished row in the same step, in place. Waiting until half the rows had left
        // (to prefill more prompts together) kept the batch half empty while answers were short, and left a
        // long answer to decode alone for longer (76 steps against 68 for bench's 64 support-fr prompts at
        // batch 16; bench/README.md).
        try (BatchDecoder decoder = new BatchDecoder(model, batchSize, false)) {
            for (int i : order) {
                decoder.add(prompts.get(i), settings, i, null);
            }
            while (decoder.active() > 0) {
                beforeStep.run();
                for (BatchDecoder.Sequence done : decoder.step()) {
                    out[done.index()] = done.result();
                }
            }
        }
        return List.of(out);
    }
}
