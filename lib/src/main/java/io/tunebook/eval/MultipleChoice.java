package io.tunebook.eval;

import io.tunebook.model.CausalLM;
import io.tunebook.model.Tokenizer;
import io.tunebook.train.CausalLmLoss;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Multiple-choice scoring in the style of lm-evaluation-harness's {@code multiple_choice} tasks, to
 * check that fine-tuning did not cost general ability: compare a base model and its fine-tuned
 * version on the same questions (for example the shipped {@code datasets/general-fr-mc}).
 *
 * <p>Each choice is scored by the log-likelihood of its tokens after the prompt
 * {@code template(question) + delimiter}; no text is generated. As in the harness, trailing
 * whitespace of the prompt moves to the choice, the choice's tokens are those that encoding
 * prompt and choice together adds after the prompt's, and the reported accuracies are
 * {@code acc} (highest log-likelihood), {@code acc_norm} (highest log-likelihood per character of
 * the choice) and {@code acc_bytes} (per UTF-8 byte).
 *
 * @param template the prompt; {@code {question}} is replaced by the question
 * @param delimiter put between prompt and choice (the harness's {@code target_delimiter})
 * @param addSpecialTokens encode with the tokenizer's special tokens (BOS for Llama-style models);
 *     the harness adds none unless asked ({@code add_bos_token=True}), but models trained with a BOS,
 *     as most are, score better with it
 * @param batchSize (question, choice) sequences per forward pass
 */
public record MultipleChoice(String template, String delimiter, boolean addSpecialTokens, int batchSize) {

    public MultipleChoice {
        if (!template.contains("{question}")) {
            throw new IllegalArgumentException("the template must contain {question}, got: " + template);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The prompt a question is scored after, delimiter included. */
    public String context(MultipleChoiceQuestion q) {
        return template.replace("{question}", q.question()) + delimiter;
    }

    public MultipleChoiceResult evaluate(CausalLM model, List<MultipleChoiceQuestion> questions) {
        if (questions.isEmpty()) {
            throw new IllegalArgumentException("no question to evaluate");
        }
        Tokenizer tokenizer = model.tokenizer();
        List<long[]> ids = new ArrayList<>();
        List<long[]> labels = new ArrayList<>();
        for (MultipleChoiceQuestion q : questions) {
            for (String choice : q.choices()) {
                long[][] pair = encodePair(tokenizer, context(q), choice);
                ids.add(pair[0]);
                labels.add(pair[1]);
            }
        }
        double[][] scores = SequenceScorer.score(model, ids, labels, batchSize);
        List<MultipleChoiceItem> items = new ArrayList<>();
        int row = 0;
        for (MultipleChoiceQuestion q : questions) {
            int n = q.choices().size();
            double[] ll = new double[n];
            double[] perChar = new double[n];
            double[] perByte = new double[n];
            List<Double> boxed = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                String choice = q.choices().get(c);
                ll[c] = scores[row++][0];
                perChar[c] = ll[c] / choice.codePointCount(0, choice.length());
                perByte[c] = ll[c] / choice.getBytes(StandardCharsets.UTF_8).length;
                boxed.add(ll[c]);
            }
            items.add(new MultipleChoiceItem(q, boxed, argmax(ll), argmax(perChar), argmax(perByte)));
        }
        double[] acc = accuracy(items, MultipleChoiceItem::predicted);
        double[] norm = accuracy(items, MultipleChoiceItem::predictedNorm);
        double[] bytes = accuracy(items, MultipleChoiceItem::predictedBytes);
        return new MultipleChoiceResult(items.size(), acc[0], acc[1], norm[0], norm[1], bytes[0], bytes[1], items);
    }

    /**
     * The harness's {@code _encode_pair}: {@code {ids of context + continuation, labels}} with only
     * the continuation's tokens labelled.
     */
    long[][] encodePair(Tokenizer tokenizer, String context, String continuation) {
        String trimmed = PyText.rstrip(context);
        String moved = context.substring(trimmed.length()) + continuation;
        long[] contextIds = tokenizer.encode(trimmed, addSpecialTokens);
        long[] whole = tokenizer.encode(trimmed + moved, addSpecialTokens);
        if (contextIds.length == 0) {
            // An empty context still needs one token to predict the first continuation token from.
            long prefix = tokenizer.bosId().orElse(tokenizer.eosId().orElseThrow(() -> new IllegalArgumentException(
                    "empty prompt and the tokenizer has neither a BOS nor an EOS token to start from")));
            contextIds = new long[] {prefix};
            long[] rest = whole;
            whole = new long[rest.length + 1];
            whole[0] = prefix;
            System.arraycopy(rest, 0, whole, 1, rest.length);
        }
        if (whole.length <= contextIds.length) {
            throw new IllegalArgumentException("the choice '" + continuation + "' adds no token after the prompt");
        }
        long[] labels = whole.clone();
        Arrays.fill(labels, 0, contextIds.length, CausalLmLoss.IGNORE_INDEX);
        return new long[][] {whole, labels};
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** {@code {mean, standard error}} of 0/1 correctness, the error with the sample standard deviation. */
    private static double[] accuracy(List<MultipleChoiceItem> items, ToIntFunction<MultipleChoiceItem> prediction) {
        int n = items.size();
        double hits = 0;
        for (MultipleChoiceItem i : items) {
            hits += prediction.applyAsInt(i) == i.question().answer() ? 1 : 0;
        }
        double p = hits / n;
        // Sum of squared deviations of n 0/1 values with mean p: n p (1 - p).
        double stderr = n < 2 ? Double.NaN : Math.sqrt(n * p * (1 - p) / (n - 1)) / Math.sqrt(n);
        return new double[] {p, stderr};
    }

    /** Defaults: {@code "Question : {question}\nRéponse :"}, delimiter {@code " "}, special tokens added, 32 sequences a batch. */
    public static final class Builder {
        private String template = "Question : {question}\nRéponse :";
        private String delimiter = " ";
        private boolean addSpecialTokens = true;
        private int batchSize = 32;

        private Builder() {
        }

        public Builder template(String template) {
            this.template = template;
            return this;
        }

        public Builder delimiter(String delimiter) {
            this.delimiter = delimiter;
            return this;
        }

        public Builder addSpecialTokens(boolean addSpecialTokens) {
            this.addSpecialTokens = addSpecialTokens;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public MultipleChoice build() {
            return new MultipleChoice(template, delimiter, addSpecialTokens, batchSize);
        }
    }
}
