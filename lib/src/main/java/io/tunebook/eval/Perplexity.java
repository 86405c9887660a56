package io.tunebook.eval;

import io.tunebook.model.CausalLM;
import io.tunebook.model.Tokenizer;
import io.tunebook.train.CausalLmLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Perplexity of a model on completions: only tokens whose label is not
 * {@link CausalLmLoss#IGNORE_INDEX} count (the answer, not the prompt), and every token weighs the
 * same, whatever the length of its sequence (as transformers' loss over a whole eval set).
 *
 * <pre>{@code
 * PerplexityResult r = Perplexity.builder().build().ofCompletions(model, prompts, answers);
 * }</pre>
 *
 * @param batchSize sequences per forward pass
 * @param appendEos end each completion with the tokenizer's EOS, as supervised fine-tuning trains it
 */
public record Perplexity(int batchSize, boolean appendEos) {

    public Perplexity {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Over tokenized sequences.
     *
     * @param labels per sequence, the ids to predict, with {@code -100} where nothing is scored
     */
    public PerplexityResult of(CausalLM model, List<long[]> inputIds, List<long[]> labels) {
        double[][] scores = SequenceScorer.score(model, inputIds, labels, batchSize);
        double logLikelihood = 0;
        long tokens = 0;
        for (double[] s : scores) {
            logLikelihood += s[0];
            tokens += (long) s[1];
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("no token to score: every label is " + CausalLmLoss.IGNORE_INDEX);
        }
        double meanNll = -logLikelihood / tokens;
        return new PerplexityResult(Math.exp(meanNll), meanNll, tokens, scores.length);
    }

    /**
     * Over (prompt, completion) texts: the prompt is encoded with the tokenizer's special tokens
     * (BOS), the completion without, and only the completion is scored. Prompts should already be
     * formatted as the model was trained (a chat template, an instruction format).
     */
    public PerplexityResult ofCompletions(CausalLM model, List<String> prompts, List<String> completions) {
        Pairs.requireSameSize(completions, "completions", prompts, "prompts");
        Tokenizer tokenizer = model.tokenizer();
        if (appendEos && tokenizer.eosId().isEmpty()) {
            throw new IllegalArgumentException(tokenizer.directory() + ": the tokenizer has no eos_token; build with appendEos(false)");
        }
        List<long[]> ids = new ArrayList<>();
        List<long[]> labels = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            long[] prompt = tokenizer.encode(prompts.get(i), true);
            long[] completion = tokenizer.encode(completions.get(i), false);
            if (appendEos) {
                completion = Arrays.copyOf(completion, completion.length + 1);
                completion[completion.length - 1] = tokenizer.eosId().getAsLong();
            }
            long[] row = Arrays.copyOf(prompt, prompt.length + completion.length);
            System.arraycopy(completion, 0, row, prompt.length, completion.length);
            long[] label = row.clone();
            Arrays.fill(label, 0, prompt.length, CausalLmLoss.IGNORE_INDEX);
            ids.add(row);
            labels.add(label);
        }
        return of(model, ids, labels);
    }

    /** Defaults: batches of 8, EOS appended to completions. */
    public static final class Builder {
        private int batchSize = 8;
        private boolean appendEos = true;

        private Builder() {
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder appendEos(boolean appendEos) {
            this.appendEos = appendEos;
            return this;
        }

        public Perplexity build() {
            return new Perplexity(batchSize, appendEos);
        }
    }
}
