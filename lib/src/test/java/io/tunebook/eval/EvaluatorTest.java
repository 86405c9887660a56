package io.tunebook.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.data.Dataset;
import io.tunebook.data.Datasets;
import io.tunebook.eval.client.LocalChatBackend;
import io.tunebook.eval.client.OpenAiClient;
import io.tunebook.eval.client.OpenAiClientConfig;
import io.tunebook.eval.judge.JudgePrompts;
import io.tunebook.eval.judge.JudgeSettings;
import io.tunebook.eval.judge.JudgeSummary;
import io.tunebook.eval.judge.PairwiseJudge;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationSettings;
import io.tunebook.serve.OpenAiServer;
import io.tunebook.serve.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/**
 * The evaluator end to end on tiny-base and six support-fr test examples: the base, the base with a
 * (random) adapter, and the same base served over loopback HTTP as an endpoint.
 */
class EvaluatorTest {
    static final int N = 6;
    static final List<Metric> METRICS = List.of(Metric.BLEU, Metric.ROUGE_L, Metric.EXACT_MATCH, Metric.PERPLEXITY,
            Metric.LENGTH);

    @TempDir
    static Path tmp;
    static CausalLM model;
    static CausalLM served;
    static OpenAiServer server;
    static Path adapter;
    static Dataset test;
    static EvaluationResult result;

    @BeforeAll
    static void evaluate() throws Exception {
        adapter = TestAdapters.randomAdapter(tmp.resolve("adapter"), 5);
        model = CausalLM.load(TestAdapters.TINY_BASE);
        served = CausalLM.load(TestAdapters.TINY_BASE);
        server = OpenAiServer.start(served, ServerConfig.builder("tiny-base").port(0).maxTokens(64).build());
        test = Datasets.load(Path.of("../datasets/support-fr/test.jsonl"));
        OpenAiClient client = new OpenAiClient(OpenAiClientConfig.builder(server.baseUrl().toString(), "tiny-base")
                .build());
        result = Evaluator.builder()
                .base(model)
                .adapter("fine-tuned", model, adapter)
                .endpoint("served", client)
                .dataset("support-fr test", test)
                .limit(N)
                .decoding(GenerationSettings.greedy(24))
                .metrics(METRICS)
                .resamples(200)
                .build().run();
    }

    @AfterAll
    static void close() {
        server.close();
        served.close();
        model.close();
    }

    List<String> answers(String candidate) {
        return result.examples().stream().map(e -> e.answers().get(candidate)).toList();
    }

    List<String> references() {
        return result.examples().stream().map(ExampleResult::reference).toList();
    }

    @Test
    void answersDoNotDependOnTheBatchSize() {
        // The run above decoded all N together (batch 8); one at a time, and 4 with rows refilled as they finish.
        for (int size : new int[] {1, 4}) {
            EvaluationResult r = Evaluator.builder().base(model).dataset("support-fr test", test).limit(N)
                    .decoding(GenerationSettings.greedy(24)).metrics(List.of(Metric.EXACT_MATCH)).batchSize(size)
                    .resamples(10).build().run();
            assertEquals(answers("base"), r.examples().stream().map(e -> e.answers().get("base")).toList(),
                    "batch size " + size);
        }
    }

    @Test
    void tablesHaveOneRowPerCandidateAndPerExample() {
        Table summary = result.summaryTable();
        assertEquals(3, summary.rowCount());
        assertEquals(1 + 4 * METRICS.size(), summary.columnCount());
        assertEquals(List.of("base", "fine-tuned", "served"), summary.stringColumn("candidate").asList());
        Table examples = result.examplesTable();
        assertEquals(N, examples.rowCount());
        assertEquals(4 + 3 + 3 * METRICS.size(), examples.columnCount());
        assertEquals(test.get(0).conversation().last().content(), examples.stringColumn("reference").get(0));
        assertEquals(test.get(0).extra("category").orElseThrow(), examples.stringColumn("category").get(0));
    }

    @Test
    void corpusValuesEqualTheMetricsCalledDirectlyOnTheSameAnswers() {
        for (String c : result.candidates()) {
            assertEquals(Bleu.corpus().corpusScore(answers(c), List.of(references())).score(),
                    result.summary(c, Metric.BLEU).value().value(), 1e-9, c);
            RougeScores rouge = Rouge.builder().tokenizer(RougeTokenizer.UNICODE).build().mean(references(), answers(c));
            assertEquals(rouge.rougeL().fmeasure(), result.summary(c, Metric.ROUGE_L).value().value(), 1e-9, c);
            assertEquals(ExactMatch.builder().build().rate(answers(c), references()),
                    result.summary(c, Metric.EXACT_MATCH).value().value(), 1e-12);
            assertEquals(LengthStats.of(answers(c), t -> 0).words().mean(),
                    result.summary(c, Metric.LENGTH).value().value(), 1e-9);
            for (Metric m : METRICS) {
                ConfidenceInterval e = result.summary(c, m).value();
                if (e.isPresent()) {
                    assertTrue(e.low() <= e.value() + 1e-9 && e.value() <= e.high() + 1e-9, c + " " + m + " " + e);
                }
            }
        }
    }

    @Test
    void perplexityIsForLocalModelsOnlyAndTheAdapterChangesIt() {
        double base = result.summary("base", Metric.PERPLEXITY).value().value();
        double tuned = result.summary("fine-tuned", Metric.PERPLEXITY).value().value();
        assertTrue(base > 1 && Double.isFinite(base), "perplexity " + base);
        assertNotEquals(base, tuned, 1e-6);
        assertFalse(result.summary("served", Metric.PERPLEXITY).value().isPresent());
        assertTrue(Double.isNaN(result.examples().get(0).scores().get("served").get(Metric.PERPLEXITY)));
    }

    @Test
    void theServedBaseAnswersAsTheLocalBaseSoItsDifferencesAreZero() {
        assertEquals(answers("base"), answers("served"));
        assertNotEquals(answers("base"), answers("fine-tuned"), "the random adapter changes the answers");
        for (Metric m : List.of(Metric.BLEU, Metric.ROUGE_L, Metric.LENGTH)) {
            ConfidenceInterval d = result.summary("served", m).difference().orElseThrow();
            assertEquals(0, d.value(), 1e-12);
            assertEquals(0, d.low(), 1e-12);
            assertEquals(0, d.high(), 1e-12);
        }
        assertTrue(result.summary("base", Metric.BLEU).difference().isEmpty(), "the reference has no difference");
    }

    @Test
    void theJudgeComparesEachCandidateWithTheReference() {
        PairwiseJudge judge = new PairwiseJudge(new LocalChatBackend(served, "tiny-base"), JudgePrompts.french(),
                JudgeSettings.builder().maxTokens(6).parallelism(1).build());
        EvaluationResult judged = Evaluator.builder().base(model).adapter("fine-tuned", model, adapter)
                .dataset("support-fr test", test).limit(2).decoding(GenerationSettings.greedy(12))
                .metrics(Metric.ROUGE_L).judge(judge, true).build().run();
        assertEquals(1, judged.judgements().size());
        JudgeComparison j = judged.judgements().get(0);
        assertEquals("fine-tuned", j.candidate());
        assertEquals("base", j.against());
        assertEquals("tiny-base", j.judge());
        JudgeSummary s = j.summary();
        assertEquals(2, s.total());
        assertEquals(2, s.judged() + s.unparseable());
        assertEquals(judged.examples().get(1).answers().get("fine-tuned"), j.results().get(1).item().answerA());
        assertEquals(judged.examples().get(1).answers().get("base"), j.results().get(1).item().answerB());
        assertEquals(judged.examples().get(1).reference(), j.results().get(1).item().reference().orElseThrow());
    }

    @Test
    void theModelIsLeftWithoutAdapters() {
        try (LoraModel again = LoraModel.wrap(model, LoraConfig.builder().build())) {
            assertEquals(LoraModel.DEFAULT_ADAPTER, again.activeAdapter());
        }
    }

    @Test
    void savedAsJsonWithNullWhereAMetricDoesNotApply() throws Exception {
        Path file = result.save(tmp.resolve("run"));
        assertEquals(tmp.resolve("run").resolve("evaluation.json"), file);
        JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        assertEquals("base", o.get("reference").getAsString());
        assertEquals(3, o.getAsJsonArray("candidates").size());
        assertEquals(N, o.getAsJsonArray("examples").size());
        assertEquals(3 * METRICS.size(), o.getAsJsonArray("summary").size());
        assertEquals(24, o.getAsJsonObject("decoding").get("max_new_tokens").getAsInt());
        JsonObject first = o.getAsJsonArray("examples").get(0).getAsJsonObject();
        assertEquals(answers("fine-tuned").get(0), first.getAsJsonObject("answers").get("fine-tuned").getAsString());
        assertTrue(first.getAsJsonObject("scores").getAsJsonObject("served").get("perplexity").isJsonNull());
        assertEquals(0, o.getAsJsonArray("judgements").size());
        assertFalse(Files.readString(file).contains("NaN"));
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingRuns() {
        assertThrows(IllegalArgumentException.class, () -> Evaluator.builder().base(model).build());
        assertThrows(IllegalArgumentException.class, () -> Evaluator.builder().base(model).dataset("t", test)
                .metrics(Metric.JSON_SCHEMA).build());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.builder().base(model).model("base", model));
        assertTrue(twice.getMessage().contains("base"));
        assertThrows(IllegalArgumentException.class, () -> Evaluator.builder().base(model).dataset("t", test)
                .reference("nobody").build());
    }
}
