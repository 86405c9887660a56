package io.tunebook.train;

import io.tunebook.data.ChatFormatter;
import io.tunebook.data.ChatTemplate;
import io.tunebook.data.Conversation;
import io.tunebook.data.Example;
import io.tunebook.data.Message;
import io.tunebook.data.Preference;
import io.tunebook.data.Role;
import io.tunebook.data.TokenizedDataset;
import io.tunebook.data.TokenizedExample;
import io.tunebook.data.TokenizationReport;
import io.tunebook.data.Truncation;
import io.tunebook.model.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * From preference pairs to the batches of preference tuning (DPO, ORPO), as TRL's {@code
 * DPOTrainer} prepares them: the prompt followed by the chosen answer, and by the rejected one,
 * each rendered with the chat template and tokenized, labels on that final answer only (the
 * prompt, earlier turns included, is masked). A batch of {@code perDeviceTrainBatchSize} pairs of
 * similar lengths has
 * twice as many rows, the chosen answers first and the rejected ones after, in the same order (TRL's
 * concatenated forward). A pair with a side longer than {@code maxSeqLength} follows the truncation
 * policy (dropped by default); a pair whose answers are identical, or whose prompt does not end on
 * a user turn, is dropped too, and the report says which and why (file:line).
 *
 * <pre>{@code
 * PreferenceData pairs = PreferenceData.builder(model.tokenizer(), args).build();
 * Trainer trainer = Trainer.builder().model(lora).arguments(args).preference(PreferenceLoss.dpo())
 *         .trainData(pairs.training(train)).evalData(pairs.evaluation(validation)).build();
 * }</pre>
 */
public final class PreferenceData {
    private final ChatFormatter formatter;
    private final long padId;
    private final TrainingArguments args;

    private PreferenceData(Builder b) {
        ChatFormatter.Builder f = ChatFormatter.builder(b.tokenizer).maxSeqLength(b.args.maxSeqLength())
                .truncation(b.truncation);
        if (b.template != null) {
            f.template(b.template);
        }
        this.formatter = f.build();
        this.padId = SftBatching.padIdOf(b.tokenizer);
        this.args = b.args;
    }

    public static Builder builder(Tokenizer tokenizer, TrainingArguments args) {
        return new Builder(tokenizer, args);
    }

    public ChatTemplate template() {
        return formatter.template();
    }

    /** One tokenized pair: the prompt with the chosen answer, and with the rejected one. */
    public record Pair(TokenizedExample chosen, TokenizedExample rejected) {
    }

    /** The pairs kept and what happened to the others. */
    public record Pairs(List<Pair> pairs, int total, List<String> dropped) {
        public Pairs {
            pairs = List.copyOf(pairs);
            dropped = List.copyOf(dropped);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(pairs.size() + " of " + total + " preference pairs kept");
            for (String d : dropped.subList(0, Math.min(dropped.size(), TokenizationReport.MAX_LISTED))) {
                s.append("\n  dropped ").append(d);
            }
            if (dropped.size() > TokenizationReport.MAX_LISTED) {
                s.append("\n  ... and ").append(dropped.size() - TokenizationReport.MAX_LISTED).append(" more");
            }
            return s.toString();
        }
    }

    /** Tokenizes every pair of {@code examples} (which must all be preference pairs). */
    public Pairs tokenize(Iterable<Example> examples) {
        List<Pair> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        int total = 0;
        for (Example e : examples) {
            total++;
            Preference p = e.preference().orElseThrow(() -> new IllegalArgumentException(e.source()
                    + ": not a preference pair (prompt, chosen, rejected); preference tuning needs one"));
            List<Message> prompt = p.prompt().messages();
            if (prompt.isEmpty() || prompt.get(prompt.size() - 1).role() != Role.USER) {
                dropped.add(e.source() + ": the prompt must end on a user turn, for the answers to reply to");
                continue;
            }
            if (p.chosen().strip().equals(p.rejected().strip())) {
                dropped.add(e.source() + ": the chosen and rejected answers are identical");
                continue;
            }
            TokenizedExample chosen = side(e, p.prompt(), p.chosen(), dropped);
            TokenizedExample rejected = chosen == null ? null : side(e, p.prompt(), p.rejected(), dropped);
            if (rejected != null) {
                kept.add(new Pair(chosen, rejected));
            }
        }
        return new Pairs(kept, total, dropped);
    }

    private TokenizedExample side(Example e, Conversation prompt, String answer, List<String> dropped) {
        Example one = e.withConversation(prompt.plus(Message.assistant(answer))).withoutRejected();
        TokenizedDataset t = formatter.tokenize(List.of(one));
        if (t.examples().isEmpty()) {
            dropped.addAll(t.report().dropped());
            return null;
        }
        return lastAnswerOnly(t.examples().get(0));
    }

    /** The labels of the last assistant turn only: the last run of labelled tokens. */
    private static TokenizedExample lastAnswerOnly(TokenizedExample t) {
        long[] labels = t.labels().clone();
        int end = labels.length - 1;
        while (end >= 0 && labels[end] == TokenizedExample.IGNORE_INDEX) {
            end--;
        }
        int start = end;
        while (start > 0 && labels[start - 1] != TokenizedExample.IGNORE_INDEX) {
            start--;
        }
        Arrays.fill(labels, 0, Math.max(0, start), TokenizedExample.IGNORE_INDEX);
        return new TokenizedExample(t.inputIds(), labels);
    }

    /** Training batches of the pairs of {@code train}, reshuffled each epoch. */
    public TrainingData training(Iterable<Example> train) {
        return training(tokenize(train));
    }

    /**
     * The pairs sorted by length and cut into batches of {@code perDeviceTrainBatchSize} (little
     * padding, as {@link SftBatching.Strategy#GROUP_BY_LENGTH}), the batches reshuffled each epoch.
     */
    public TrainingData training(Pairs train) {
        List<Pair> byLength = new ArrayList<>(nonEmpty(train));
        byLength.sort(Comparator.comparingInt(p -> Math.max(p.chosen().length(), p.rejected().length())));
        return TrainingData.shuffled(batches(byLength, args.perDeviceTrainBatchSize()), args.seed());
    }

    /** Validation batches of the pairs of {@code validation}, in file order. */
    public List<Batch> evaluation(Iterable<Example> validation) {
        return evaluation(tokenize(validation));
    }

    public List<Batch> evaluation(Pairs validation) {
        return batches(nonEmpty(validation), args.perDeviceEvalBatchSize());
    }

    private static List<Pair> nonEmpty(Pairs p) {
        if (p.pairs().isEmpty()) {
            throw new IllegalArgumentException("no preference pair is left to train on:\n" + p);
        }
        return p.pairs();
    }

    private List<Batch> batches(List<Pair> pairs, int size) {
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i += size) {
            out.add(batch(pairs.subList(i, Math.min(pairs.size(), i + size))));
        }
        return out;
    }

    /** Chosen rows first, rejected rows after, right-padded to the longest. */
    Batch batch(List<Pair> pairs) {
        int n = pairs.size();
        List<TokenizedExample> rows = new ArrayList<>(2 * n);
        pairs.forEach(p -> rows.add(p.chosen()));
        pairs.forEach(p -> rows.add(p.rejected()));
        int length = rows.stream().mapToInt(TokenizedExample::length).max().orElse(0);
        long[][] ids = new long[2 * n][length];
        long[][] labels = new long[2 * n][length];
        for (int r = 0; r < rows.size(); r++) {
            TokenizedExample e = rows.get(r);
            Arrays.fill(ids[r], padId);
            Arrays.fill(labels[r], TokenizedExample.IGNORE_INDEX);
            System.arraycopy(e.inputIds(), 0, ids[r], 0, e.length());
            System.arraycopy(e.labels(), 0, labels[r], 0, e.length());
        }
        return new Batch(ids, labels);
    }

    public static final class Builder {
        private final Tokenizer tokenizer;
        private final TrainingArguments args;
        private ChatTemplate template;
        private Truncation truncation = Truncation.DROP;

        private Builder(Tokenizer tokenizer, TrainingArguments args) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            this.args = Objects.requireNonNull(args, "args");
        }

        /** The chat template; default: the tokenizer's own {@code chat_template}. */
        public Builder template(ChatTemplate v) {
            template = v;
            return this;
        }

        /** What to do with a pair whose prompt and answer exceed {@code maxSeqLength}; default drop. */
        public Builder truncation(Truncation v) {
            truncation = Objects.requireNonNull(v, "truncation");
            return this;
        }

        public PreferenceData build() {
            return new PreferenceData(this);
        }
    }
}
