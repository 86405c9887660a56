package io.tunebook.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.tunebook.eval.judge.JudgeReport;
import io.tunebook.eval.judge.PairwiseResult;
import io.tunebook.model.GenerationSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * What {@link Evaluator} found: the summary (candidate × metric, with 95% intervals and differences
 * from the reference candidate), every example with every answer and score, and pairwise judgements.
 * As Tablesaw tables for a notebook ({@code display.EvaluationView} renders them) and as JSON for the
 * run directory.
 *
 * @param dataset what was evaluated on, e.g. {@code datasets/support-fr/test.jsonl}
 * @param candidates in the order given, the reference among them
 * @param reference the candidate the others are compared with
 * @param decoding the fixed decoding every candidate answered with
 * @param resamples bootstrap draws behind every interval
 * @param seed of the bootstrap draws
 */
public record EvaluationResult(String dataset, List<String> candidates, String reference, List<Metric> metrics,
        GenerationSettings decoding, int resamples, long seed, List<MetricSummary> summary,
        List<ExampleResult> examples, List<JudgeComparison> judgements) {

    /** The file {@link #save} writes in a run directory. */
    public static final String JSON_FILE = "evaluation.json";

    public EvaluationResult {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(decoding, "decoding");
        candidates = List.copyOf(candidates);
        metrics = List.copyOf(metrics);
        summary = List.copyOf(summary);
        examples = List.copyOf(examples);
        judgements = List.copyOf(judgements);
        if (!candidates.contains(reference)) {
            throw new IllegalArgumentException("the reference " + reference + " is not a candidate: " + candidates);
        }
    }

    /** The summary cell of {@code candidate} and {@code metric}. */
    public MetricSummary summary(String candidate, Metric metric) {
        return summary.stream().filter(s -> s.candidate().equals(candidate) && s.metric() == metric).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + metric + " for candidate " + candidate
                        + "; candidates " + candidates + ", metrics " + metrics));
    }

    /** The same result with one more judgement, e.g. a blind A/B session unblinded. */
    public EvaluationResult withJudgement(JudgeComparison judgement) {
        if (!candidates.contains(judgement.candidate()) || !candidates.contains(judgement.against())) {
            throw new IllegalArgumentException("the judgement compares " + judgement.candidate() + " with "
                    + judgement.against() + "; the candidates are " + candidates);
        }
        List<JudgeComparison> more = new ArrayList<>(judgements);
        more.add(judgement);
        return new EvaluationResult(dataset, candidates, reference, metrics, decoding, resamples, seed, summary,
                examples, more);
    }

    /**
     * One row a candidate; per metric its value, its 95% interval, and its difference from the
     * reference with that difference's interval (empty on the reference's row).
     */
    public Table summaryTable() {
        StringColumn name = StringColumn.create("candidate");
        List<Column<?>> columns = new ArrayList<>(List.of(name));
        for (Metric m : metrics) {
            DoubleColumn value = DoubleColumn.create(m.key());
            StringColumn ci = StringColumn.create(m.key() + " 95% CI");
            DoubleColumn delta = DoubleColumn.create("Δ " + m.key());
            StringColumn deltaCi = StringColumn.create("Δ " + m.key() + " 95% CI");
            for (String c : candidates) {
                MetricSummary s = summary(c, m);
                value.append(s.value().value());
                ci.append(interval(s.value()));
                delta.append(s.difference().map(ConfidenceInterval::value).orElse(Double.NaN));
                deltaCi.append(s.difference().map(EvaluationResult::interval).orElse(""));
            }
            columns.addAll(List.of(value, ci, delta, deltaCi));
        }
        candidates.forEach(name::append);
        return Table.create("Evaluation on " + dataset + " (Δ: difference from " + reference + ")",
                columns.toArray(Column<?>[]::new));
    }

    /** One row an example: id, category, prompt, reference, each candidate's answer, then each score. */
    public Table examplesTable() {
        StringColumn id = StringColumn.create("id");
        StringColumn category = StringColumn.create("category");
        StringColumn prompt = StringColumn.create("prompt");
        StringColumn ref = StringColumn.create("reference");
        List<Column<?>> columns = new ArrayList<>(List.of(id, category, prompt, ref));
        for (String c : candidates) {
            StringColumn answer = StringColumn.create(c);
            examples.forEach(e -> answer.append(e.answers().get(c)));
            columns.add(answer);
        }
        for (String c : candidates) {
            for (Metric m : metrics) {
                DoubleColumn score = DoubleColumn.create(c + ": " + m.key());
                examples.forEach(e -> score.append(e.scores().get(c).get(m)));
                columns.add(score);
            }
        }
        for (ExampleResult e : examples) {
            id.append(e.id());
            category.append(e.category());
            prompt.append(e.prompt());
            ref.append(e.reference());
        }
        return Table.create("Examples of " + dataset, columns.toArray(Column<?>[]::new));
    }

    private static String interval(ConfidenceInterval e) {
        return e.isPresent() ? String.format(Locale.ROOT, "[%.4g, %.4g]", e.low(), e.high()) : "";
    }

    /** The whole result as JSON; values that do not apply are null. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("kind", "evaluation");
        o.addProperty("dataset", dataset);
        o.addProperty("reference", reference);
        JsonArray names = new JsonArray();
        candidates.forEach(names::add);
        o.add("candidates", names);
        JsonArray keys = new JsonArray();
        metrics.forEach(m -> keys.add(m.key()));
        o.add("metrics", keys);
        JsonObject d = new JsonObject();
        d.addProperty("max_new_tokens", decoding.maxNewTokens());
        d.addProperty("temperature", decoding.temperature());
        d.addProperty("top_k", decoding.topK());
        d.addProperty("top_p", decoding.topP());
        d.addProperty("repetition_penalty", decoding.repetitionPenalty());
        d.addProperty("seed", decoding.seed());
        o.add("decoding", d);
        JsonObject b = new JsonObject();
        b.addProperty("method", "paired percentile bootstrap over examples");
        b.addProperty("confidence", 0.95);
        b.addProperty("resamples", resamples);
        b.addProperty("seed", seed);
        o.add("bootstrap", b);
        JsonArray cells = new JsonArray();
        for (MetricSummary s : summary) {
            JsonObject c = intervalJson(s.value());
            c.addProperty("candidate", s.candidate());
            c.addProperty("metric", s.metric().key());
            c.add("difference", s.difference().<JsonElement>map(EvaluationResult::intervalJson).orElse(JsonNull.INSTANCE));
            cells.add(c);
        }
        o.add("summary", cells);
        JsonArray rows = new JsonArray();
        for (ExampleResult e : examples) {
            JsonObject r = new JsonObject();
            r.addProperty("id", e.id());
            r.addProperty("category", e.category());
            r.addProperty("prompt", e.prompt());
            r.addProperty("reference", e.reference());
            JsonObject answers = new JsonObject();
            e.answers().forEach(answers::addProperty);
            r.add("answers", answers);
            JsonObject scores = new JsonObject();
            e.scores().forEach((c, byMetric) -> {
                JsonObject s = new JsonObject();
                byMetric.forEach((m, v) -> s.add(m.key(), JudgeReport.number(v)));
                scores.add(c, s);
            });
            r.add("scores", scores);
            rows.add(r);
        }
        o.add("examples", rows);
        JsonArray judged = new JsonArray();
        for (JudgeComparison j : judgements) {
            JsonObject r = new JsonObject();
            r.addProperty("candidate", j.candidate());
            r.addProperty("against", j.against());
            r.addProperty("judge", j.judge());
            r.add("summary", JudgeReport.summary(j.summary()));
            JsonArray verdicts = new JsonArray();
            for (PairwiseResult p : j.results()) {
                JsonObject v = new JsonObject();
                v.addProperty("id", p.item().id());
                v.add("verdict", p.verdict().<JsonElement>map(x -> new JsonPrimitive(x.name().toLowerCase(Locale.ROOT)))
                        .orElse(JsonNull.INSTANCE));
                v.addProperty("consistent", p.consistent());
                verdicts.add(v);
            }
            r.add("verdicts", verdicts);
            judged.add(r);
        }
        o.add("judgements", judged);
        return o;
    }

    private static JsonObject intervalJson(ConfidenceInterval e) {
        JsonObject o = new JsonObject();
        o.add("value", JudgeReport.number(e.value()));
        o.add("ci95_low", JudgeReport.number(e.low()));
        o.add("ci95_high", JudgeReport.number(e.high()));
        return o;
    }


    /** Writes {@value #JSON_FILE} in {@code runDir} (created if needed) atomically; returns the file. */
    public Path save(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Path file = runDir.resolve(JSON_FILE);
        JudgeReport.save(toJson(), file);
        return file;
    }
}
