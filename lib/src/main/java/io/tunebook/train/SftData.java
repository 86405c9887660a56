package io.tunebook.train;

import io.tunebook.data.ChatFormatter;
import io.tunebook.data.ChatTemplate;
import io.tunebook.data.Dataset;
import io.tunebook.data.TokenizationReport;
import io.tunebook.data.TokenizedDataset;
import io.tunebook.data.Truncation;
import io.tunebook.model.Tokenizer;
import java.util.List;
import java.util.Objects;

/**
 * From datasets to the batches of supervised fine-tuning, as TRL's {@code SFTTrainer} prepares
 * them: each conversation rendered with the chat template, tokenized once, labels on the
 * assistant turns only (unless {@code trainOnAllTokens}), over-long examples handled by the
 * truncation policy, then grouped by length (or packed, with {@code packing}) into micro-batches
 * of {@code perDeviceTrainBatchSize}. Sizes and seed come from the {@link TrainingArguments}.
 *
 * <pre>{@code
 * SftData sft = SftData.builder(model.tokenizer(), args).truncation(Truncation.TRUNCATE_RIGHT).build();
 * Trainer trainer = Trainer.builder().model(lora).arguments(args)
 *         .trainData(sft.training(train)).evalData(sft.evaluation(validation)).build();
 * }</pre>
 */
public final class SftData {
    private final ChatFormatter formatter;
    private final SftBatching trainBatching;
    private final SftBatching evalBatching;

    private SftData(Builder b) {
        ChatFormatter.Builder f = ChatFormatter.builder(b.tokenizer).maxSeqLength(b.args.maxSeqLength())
                .truncation(b.truncation).trainOnAllTokens(b.trainOnAllTokens);
        if (b.template != null) {
            f.template(b.template);
        }
        this.formatter = f.build();
        long pad = SftBatching.padIdOf(b.tokenizer);
        SftBatching.Strategy strategy = b.args.packing() ? SftBatching.Strategy.PACKED
                : SftBatching.Strategy.GROUP_BY_LENGTH;
        this.trainBatching = SftBatching.builder().strategy(strategy).batchSize(b.args.perDeviceTrainBatchSize())
                .maxSeqLength(b.args.maxSeqLength()).padId(pad).seed(b.args.seed()).build();
        this.evalBatching = SftBatching.builder().strategy(SftBatching.Strategy.GROUP_BY_LENGTH)
                .batchSize(b.args.perDeviceEvalBatchSize()).maxSeqLength(b.args.maxSeqLength()).padId(pad)
                .seed(b.args.seed()).build();
    }

    public static Builder builder(Tokenizer tokenizer, TrainingArguments args) {
        return new Builder(tokenizer, args);
    }

    public ChatTemplate template() {
        return formatter.template();
    }

    /** The tokenized examples and what happened to each (kept, truncated, dropped). */
    public TokenizedDataset tokenize(Dataset dataset) {
        TokenizedDataset t = formatter.tokenize(dataset);
        if (t.examples().isEmpty()) {
            throw new IllegalArgumentException("no example of " + dataset + " is left to train on:\n" + t.report());
        }
        return t;
    }

    /** Training batches, reshuffled each epoch. */
    public TrainingData training(Dataset train) {
        return training(tokenize(train));
    }

    /** Training batches of examples already tokenized (e.g. to look at their report first). */
    public TrainingData training(TokenizedDataset train) {
        return trainBatching.trainingData(train.examples());
    }

    /** Validation batches, in a fixed order. */
    public List<Batch> evaluation(Dataset validation) {
        return evalBatching.epoch(tokenize(validation).examples());
    }

    /** What tokenizing {@code dataset} keeps and drops, for a look before training. */
    public TokenizationReport report(Dataset dataset) {
        return formatter.tokenize(dataset).report();
    }

    public static final class Builder {
        private final Tokenizer tokenizer;
        private final TrainingArguments args;
        private ChatTemplate template;
        private Truncation truncation = Truncation.DROP;
        private boolean trainOnAllTokens;

        private Builder(Tokenizer tokenizer, TrainingArguments args) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            this.args = Objects.requireNonNull(args, "args");
        }

        /** The chat template; default: the tokenizer's own {@code chat_template}. */
        public Builder template(ChatTemplate v) {
            template = v;
            return this;
        }

        /** What to do with examples longer than {@code maxSeqLength}; default {@link Truncation#DROP}. */
        public Builder truncation(Truncation v) {
            truncation = Objects.requireNonNull(v, "truncation");
            return this;
        }

        /** Learn prompts too, not only the assistant turns; default false. */
        public Builder trainOnAllTokens(boolean v) {
            trainOnAllTokens = v;
            return this;
        }

        public SftData build() {
            return new SftData(this);
        }
    }
}
