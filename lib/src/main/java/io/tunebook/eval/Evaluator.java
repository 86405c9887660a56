package io.tunebook.eval;

import io.tunebook.data.Conversation;
import io.tunebook.data.Dataset;
import io.tunebook.data.Example;
import io.tunebook.data.Message;
import io.tunebook.data.Role;
import io.tunebook.eval.client.ChatBackend;
import io.tunebook.eval.client.ChatBackendException;
import io.tunebook.eval.client.ChatRequest;
import io.tunebook.eval.judge.JudgeSummary;
import io.tunebook.eval.judge.PairwiseItem;
import io.tunebook.eval.judge.PairwiseJudge;
import io.tunebook.eval.judge.PairwiseResult;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.ChatEncoding;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import io.tunebook.model.PromptRenderer;
import io.tunebook.train.CausalLmLoss;
import io.tunebook.train.SafePoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Compares candidates on a test split, in one table: does the fine-tuned model beat the base, by how
 * much, with what confidence. Every candidate answers every example with the same fixed decoding
 * (greedy by default); local models through their chat template and {@link Generator}, in batches,
 * endpoints over HTTP. Answers are scored with the chosen metrics against the examples' reference
 * answers, and every corpus value gets a 95% interval from a seeded paired bootstrap over examples
 * (see {@link Bootstrap}): each candidate's value, and its difference from the reference candidate
 * recomputed on the same draws. An optional {@link PairwiseJudge} compares each candidate's answers
 * with the reference candidate's.
 *
 * <pre>{@code
 * EvaluationResult r = Evaluator.builder()
 *         .base(model)
 *         .adapter("fine-tuned", model, Path.of("runs/quickstart-lora/adapter"))
 *         .dataset("support-fr test", Datasets.load("datasets/support-fr/test.jsonl"))
 *         .metrics(Metric.BLEU, Metric.ROUGE_L, Metric.PERPLEXITY)
 *         .limit(50)
 *         .build().run();
 * r.save(Path.of("runs/eval"));
 * }</pre>
 *
 * <p>Adapters on one base share it: they are loaded side by side and switched, and the base answers
 * with them disabled. Candidates run one after the other.
 */
public final class Evaluator {
    private final List<Candidate> candidates;
    private final String reference;
    private final String datasetName;
    private final Dataset dataset;
    private final int limit;
    private final GenerationSettings decoding;
    private final Optional<PromptRenderer> renderer;
    private final List<Metric> metrics;
    private final Bleu bleu;
    private final Rouge rouge;
    private final ExactMatch exactMatch;
    private final Optional<JsonSchema> jsonSchema;
    private final Optional<PairwiseJudge> judge;
    private final boolean judgeWithReference;
    private final int batchSize;
    private final int parallelism;
    private final int resamples;
    private final long seed;
    private final Consumer<String> progress;

    private Evaluator(Builder b) {
        this.candidates = List.copyOf(b.candidates);
        this.reference = b.reference != null ? b.reference : candidates.get(0).name();
        this.datasetName = b.datasetName;
        this.dataset = b.dataset;
        this.limit = b.limit;
        this.decoding = b.decoding;
        this.renderer = Optional.ofNullable(b.renderer);
        this.metrics = List.copyOf(b.metrics);
        this.bleu = b.bleu;
        this.rouge = b.rouge;
        this.exactMatch = b.exactMatch;
        this.jsonSchema = Optional.ofNullable(b.jsonSchema);
        this.judge = Optional.ofNullable(b.judge);
        this.judgeWithReference = b.judgeWithReference;
        this.batchSize = b.batchSize;
        this.parallelism = b.parallelism;
        this.resamples = b.resamples;
        this.seed = b.seed;
        this.progress = b.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A test example as the candidates are asked it. */
    private record Item(String id, String category, List<Message> messages, String prompt, String reference) {
        static Item of(Example e) {
            Conversation c = e.conversation();
            if (!c.endsWithAssistant() || c.size() < 2) {
                throw new IllegalArgumentException(e.source() + ": the example has no reference answer (it must end "
                        + "with the assistant's message, after the prompt)");
            }
            List<Message> asked = c.withoutLast().messages();
            List<Message> turns = asked.stream().filter(m -> m.role() != Role.SYSTEM).toList();
            String prompt = turns.size() == 1 ? turns.get(0).content() : turns.stream()
                    .map(m -> m.role().openAiName() + ": " + m.content()).collect(Collectors.joining("\n\n"));
            return new Item(e.extra("id").orElse(e.source().toString()), e.extra("category").orElse(""), asked,
                    prompt, c.last().content());
        }
    }

    /** Generates, scores and (when asked) judges; the models are left as they were found. */
    public EvaluationResult run() {
        List<Item> items = dataset.examples().stream().limit(limit).map(Item::of).toList();
        if (items.isEmpty()) {
            throw new IllegalArgumentException("the dataset " + datasetName + " has no example to evaluate on");
        }
        Map<String, List<String>> answers = new LinkedHashMap<>();
        Map<String, Map<Metric, MetricScores>> scores = new LinkedHashMap<>();
        try (AdapterSlots slots = new AdapterSlots(candidates)) {
            for (Candidate c : candidates) {
                SafePoints.stopIfInterrupted();
                progress.accept("evaluating " + c.name() + " on " + items.size() + " examples");
                List<String> said;
                double[][] perplexity = null;
                if (c instanceof Candidate.Endpoint e) {
                    said = ask(e, items);
                } else {
                    said = slots.with(c, model -> generate(model, items));
                    if (metrics.contains(Metric.PERPLEXITY)) {
                        perplexity = slots.with(c, model -> perplexity(model, items));
                    }
                }
                answers.put(c.name(), said);
                scores.put(c.name(), score(said, items, perplexity));
            }
        }
        Bootstrap bootstrap = new Bootstrap(items.size(), resamples, seed);
        List<MetricSummary> summary = new ArrayList<>();
        for (Candidate c : candidates) {
            for (Metric m : metrics) {
                MetricScores s = scores.get(c.name()).get(m);
                Optional<ConfidenceInterval> difference = c.name().equals(reference) ? Optional.empty()
                        : Optional.of(bootstrap.difference(s, scores.get(reference).get(m)));
                summary.add(new MetricSummary(c.name(), m, bootstrap.interval(s), difference));
            }
        }
        List<ExampleResult> rows = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            Map<String, String> said = new LinkedHashMap<>();
            Map<String, Map<Metric, Double>> perExample = new LinkedHashMap<>();
            for (Candidate c : candidates) {
                said.put(c.name(), answers.get(c.name()).get(i));
                Map<Metric, Double> byMetric = new EnumMap<>(Metric.class);
                for (Metric m : metrics) {
                    byMetric.put(m, scores.get(c.name()).get(m).example(i));
                }
                perExample.put(c.name(), byMetric);
            }
            rows.add(new ExampleResult(it.id(), it.category(), it.prompt(), it.reference(), said, perExample));
        }
        return new EvaluationResult(datasetName, candidates.stream().map(Candidate::name).toList(), reference, metrics,
                decoding, resamples, seed, summary, rows, judge.map(j -> judgeAll(j, items, answers)).orElse(List.of()));
    }

    private ChatEncoding encoding(CausalLM model) {
        return ChatEncoding.of(model, renderer.orElseGet(() -> PromptRenderer.forTokenizer(model.tokenizer())));
    }

    /** Greedy (or as set) answers of a local model, prompts batched by length. */
    private List<String> generate(CausalLM model, List<Item> items) {
        ChatEncoding chat = encoding(model);
        GenerationSettings settings = chat.untilEndOfTurn(decoding);
        int context = model.config().maxPositionEmbeddings();
        List<long[]> prompts = new ArrayList<>();
        for (Item it : items) {
            long[] ids = chat.promptIds(it.messages());
            if (ids.length >= context) {
                throw new IllegalArgumentException("example " + it.id() + ": its prompt has " + ids.length
                        + " tokens, leaving no room for an answer in the model's " + context + " positions");
            }
            prompts.add(ids);
        }
        List<String> out = new ArrayList<>();
        for (GenerationResult r : Generator.of(model).generateIds(prompts, settings, batchSize,
                SafePoints::stopIfInterrupted)) {
            out.add(r.text());
        }
        return out;
    }

    /** {@code {log-likelihood, tokens}} of each reference answer and its end-of-turn token after the prompt. */
    private double[][] perplexity(CausalLM model, List<Item> items) {
        ChatEncoding chat = encoding(model);
        int context = model.config().maxPositionEmbeddings();
        List<long[]> ids = new ArrayList<>();
        List<long[]> labels = new ArrayList<>();
        for (Item it : items) {
            long[] prompt = chat.promptIds(it.messages());
            long[] answer = model.tokenizer().encode(it.reference(), false);
            long[] row = Arrays.copyOf(prompt, prompt.length + answer.length + (chat.endOfAnswerId().isPresent() ? 1 : 0));
            System.arraycopy(answer, 0, row, prompt.length, answer.length);
            chat.endOfAnswerId().ifPresent(end -> row[row.length - 1] = end);
            long[] label = row.clone();
            Arrays.fill(label, 0, prompt.length, CausalLmLoss.IGNORE_INDEX);
            // Past the context the reference is cut; an example whose prompt fills it scores no token.
            int keep = Math.max(2, Math.min(row.length, context));
            ids.add(Arrays.copyOf(row, keep));
            labels.add(Arrays.copyOf(label, keep));
        }
        return SequenceScorer.score(model, ids, labels, batchSize);
    }

    /** An endpoint's answers, {@code parallelism} requests at a time. */
    private List<String> ask(Candidate.Endpoint endpoint, List<Item> items) {
        ChatBackend backend = endpoint.backend();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, items.size()));
        try {
            List<Future<String>> pending = new ArrayList<>();
            for (Item it : items) {
                ChatRequest.Builder request = ChatRequest.builder().messages(it.messages())
                        .maxTokens(decoding.maxNewTokens()).temperature(decoding.temperature())
                        .stop(decoding.stopStrings().toArray(String[]::new)).seed(decoding.seed());
                pending.add(pool.submit(() -> {
                    try {
                        return backend.chat(request.build()).text();
                    } catch (ChatBackendException e) {
                        throw new ChatBackendException("candidate " + endpoint.name() + ", example " + it.id() + ": "
                                + e.getMessage(), e.status(), e);
                    }
                }));
            }
            List<String> out = new ArrayList<>();
            for (Future<String> f : pending) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + endpoint.name(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private Map<Metric, MetricScores> score(List<String> answers, List<Item> items, double[][] perplexity) {
        int n = items.size();
        Map<Metric, MetricScores> out = new EnumMap<>(Metric.class);
        JsonMatch json = JsonMatch.with(jsonSchema.orElseGet(() -> JsonSchema.parse("{}", "no schema")));
        List<JsonCheck> checks = new ArrayList<>();
        if (metrics.stream().anyMatch(m -> m.key().startsWith("json_"))) {
            for (int i = 0; i < n; i++) {
                try {
                    checks.add(json.check(answers.get(i), items.get(i).reference()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("example " + items.get(i).id() + ": " + e.getMessage(), e);
                }
            }
        }
        Bleu sentence = bleu.toBuilder().effectiveOrder(true).build();
        for (Metric m : metrics) {
            double[] values = new double[n];
            switch (m) {
                case BLEU -> {
                    double[][] stats = new double[n][];
                    for (int i = 0; i < n; i++) {
                        List<String> ref = List.of(items.get(i).reference());
                        stats[i] = bleu.segmentStatistics(answers.get(i), ref);
                        values[i] = sentence.sentenceScore(answers.get(i), ref).score();
                    }
                    out.put(m, MetricScores.bleu(bleu, stats, values));
                    continue;
                }
                case PERPLEXITY -> {
                    out.put(m, perplexity == null ? MetricScores.absent(n) : MetricScores.perplexity(perplexity));
                    continue;
                }
                default -> {
                    for (int i = 0; i < n; i++) {
                        values[i] = exampleScore(m, answers.get(i), items.get(i).reference(), checks.isEmpty() ? null
                                : checks.get(i));
                    }
                }
            }
            out.put(m, MetricScores.mean(values));
        }
        return out;
    }

    private double exampleScore(Metric m, String answer, String reference, JsonCheck check) {
        return switch (m) {
            case ROUGE_1 -> rouge.score(reference, answer).rouge1().fmeasure();
            case ROUGE_2 -> rouge.score(reference, answer).rouge2().fmeasure();
            case ROUGE_L -> rouge.score(reference, answer).rougeL().fmeasure();
            case EXACT_MATCH -> exactMatch.matches(answer, reference) ? 1 : 0;
            case JSON_VALID -> check.valid() ? 1 : 0;
            case JSON_SCHEMA -> check.schemaValid() ? 1 : 0;
            case JSON_EXACT -> check.exactMatch() ? 1 : 0;
            case LENGTH -> PyText.split(answer).size();
            case BLEU, PERPLEXITY -> throw new IllegalStateException(m + " is a corpus statistic");
        };
    }

    private List<JudgeComparison> judgeAll(PairwiseJudge j, List<Item> items, Map<String, List<String>> answers) {
        List<JudgeComparison> out = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.name().equals(reference)) {
                continue;
            }
            progress.accept("judging " + c.name() + " against " + reference);
            List<PairwiseItem> pairs = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Item it = items.get(i);
                PairwiseItem p = PairwiseItem.of(it.id(), it.category(), it.prompt(), answers.get(c.name()).get(i),
                        answers.get(reference).get(i));
                pairs.add(judgeWithReference ? p.withReference(it.reference()) : p);
            }
            List<PairwiseResult> results = j.compareAll(pairs);
            out.add(new JudgeComparison(c.name(), reference, j.judgeModel(), JudgeSummary.of(results), results));
        }
        return out;
    }

    /** Options of an {@link Evaluator}; see each setter for its default. */
    public static final class Builder {
        private final List<Candidate> candidates = new ArrayList<>();
        private String reference;
        private String datasetName;
        private Dataset dataset;
        private int limit = Integer.MAX_VALUE;
        private GenerationSettings decoding = GenerationSettings.greedy(256);
        private PromptRenderer renderer;
        private List<Metric> metrics = List.of(Metric.BLEU, Metric.ROUGE_L, Metric.LENGTH);
        private Bleu bleu = Bleu.corpus();
        private Rouge rouge = Rouge.builder().tokenizer(RougeTokenizer.UNICODE).build();
        private ExactMatch exactMatch = ExactMatch.builder().build();
        private JsonSchema jsonSchema;
        private PairwiseJudge judge;
        private boolean judgeWithReference = true;
        private int batchSize = 8;
        private int parallelism = 4;
        private int resamples = 1000;
        private long seed = 42;
        private Consumer<String> progress = line -> { };

        private Builder() {
        }

        /** Any candidate; the first one added is the reference unless {@link #reference} says otherwise. */
        public Builder candidate(Candidate c) {
            if (candidates.stream().anyMatch(x -> x.name().equals(c.name()))) {
                throw new IllegalArgumentException("two candidates are named " + c.name());
            }
            candidates.add(c);
            return this;
        }

        /** {@code model} as candidate {@code base}. */
        public Builder base(CausalLM model) {
            return model("base", model);
        }

        /** A model as it is: a base, or a merged model saved as a Hugging Face directory and loaded. */
        public Builder model(String name, CausalLM model) {
            return candidate(new Candidate.Model(name, model));
        }

        /** {@code base} with the PEFT adapter in {@code adapterDir}. */
        public Builder adapter(String name, CausalLM base, Path adapterDir) {
            return candidate(new Candidate.Adapter(name, base, adapterDir));
        }

        /** The active adapter of a LoraModel the caller holds (a model just trained, say). */
        public Builder adapter(String name, LoraModel lora) {
            return candidate(new Candidate.Lora(name, lora, lora.activeAdapter()));
        }

        /** {@code base} with the adapter in {@code adapterDir} merged into its weights while it answers. */
        public Builder merged(String name, CausalLM base, Path adapterDir) {
            return candidate(new Candidate.Merged(name, base, adapterDir));
        }

        /** A remote OpenAI-compatible endpoint (an {@code OpenAiClient}) or any chat backend. */
        public Builder endpoint(String name, ChatBackend backend) {
            return candidate(new Candidate.Endpoint(name, backend));
        }

        /** The candidate the others are compared with; default the first one. */
        public Builder reference(String name) {
            this.reference = Objects.requireNonNull(name, "reference");
            return this;
        }

        /** The test split; examples must end with the assistant's reference answer. */
        public Builder dataset(String name, Dataset dataset) {
            this.datasetName = Objects.requireNonNull(name, "name");
            this.dataset = Objects.requireNonNull(dataset, "dataset");
            return this;
        }

        /** Evaluate on the first {@code n} examples only; default all. */
        public Builder limit(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("limit must be at least 1, got " + n);
            }
            this.limit = n;
            return this;
        }

        /** The decoding every candidate answers with; default greedy, at most 256 new tokens. */
        public Builder decoding(GenerationSettings settings) {
            this.decoding = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** How local models are prompted; default each model's own chat template (the transcript without one). */
        public Builder renderer(PromptRenderer renderer) {
            this.renderer = Objects.requireNonNull(renderer, "renderer");
            return this;
        }

        /** What to measure; default BLEU, ROUGE-L and answer length. */
        public Builder metrics(Metric... metrics) {
            return metrics(List.of(metrics));
        }

        public Builder metrics(List<Metric> metrics) {
            if (metrics.isEmpty()) {
                throw new IllegalArgumentException("choose at least one metric");
            }
            this.metrics = List.copyOf(metrics);
            return this;
        }

        /** Corpus BLEU settings; default sacrebleu's (per example: the same with effective order). */
        public Builder bleu(Bleu bleu) {
            this.bleu = Objects.requireNonNull(bleu, "bleu");
            return this;
        }

        /** ROUGE settings; default no stemming and the Unicode tokenizer (French words keep their accents). */
        public Builder rouge(Rouge rouge) {
            this.rouge = Objects.requireNonNull(rouge, "rouge");
            return this;
        }

        /** Exact-match normalisation; default whitespace collapsed only. */
        public Builder exactMatch(ExactMatch exactMatch) {
            this.exactMatch = Objects.requireNonNull(exactMatch, "exactMatch");
            return this;
        }

        /** The schema {@link Metric#JSON_SCHEMA} checks answers against; required by it. */
        public Builder jsonSchema(JsonSchema schema) {
            this.jsonSchema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * Compares each candidate's answers with the reference candidate's, both orders (the judge may be
         * a local model behind a {@code LocalChatBackend} or an endpoint); default no judge.
         *
         * @param withReferenceAnswer show the judge the example's reference answer (default true)
         */
        public Builder judge(PairwiseJudge judge, boolean withReferenceAnswer) {
            this.judge = Objects.requireNonNull(judge, "judge");
            this.judgeWithReference = withReferenceAnswer;
            return this;
        }

        /** Prompts a local model decodes together; default 8. */
        public Builder batchSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        /** Requests an endpoint candidate has in flight at once; default 4. */
        public Builder parallelism(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1, got " + n);
            }
            this.parallelism = n;
            return this;
        }

        /** Bootstrap draws behind each interval; default 1000. */
        public Builder resamples(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("resamples must be at least 1, got " + n);
            }
            this.resamples = n;
            return this;
        }

        /** Seeds the bootstrap draws; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Receives a line as each candidate starts; default silent. */
        public Builder progress(Consumer<String> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        public Evaluator build() {
            if (candidates.isEmpty()) {
                throw new IllegalArgumentException("add at least one candidate");
            }
            if (dataset == null) {
                throw new IllegalArgumentException("set the test split with dataset(name, dataset)");
            }
            if (reference != null && candidates.stream().noneMatch(c -> c.name().equals(reference))) {
                throw new IllegalArgumentException("the reference " + reference + " is not a candidate; candidates: "
                        + candidates.stream().map(Candidate::name).toList());
            }
            if (metrics.contains(Metric.JSON_SCHEMA) && jsonSchema == null) {
                throw new IllegalArgumentException("metric json_schema needs the task's schema: jsonSchema(schema)");
            }
            if (candidates.stream().anyMatch(c -> c instanceof Candidate.Endpoint)) {
                if (decoding.temperature() > 2 || decoding.stopStrings().size() > 4) {
                    throw new IllegalArgumentException("endpoints take a temperature up to 2 and at most 4 stop "
                            + "strings; the decoding has " + decoding.temperature() + " and " + decoding.stopStrings());
                }
            }
            return new Evaluator(this);
        }
    }
}
