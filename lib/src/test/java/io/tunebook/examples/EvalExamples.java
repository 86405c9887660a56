package io.tunebook.examples;

import io.tunebook.data.Datasets;
import io.tunebook.eval.BleuScore;
import io.tunebook.eval.Bleu;
import io.tunebook.eval.EvaluationResult;
import io.tunebook.eval.Evaluator;
import io.tunebook.eval.JsonMatch;
import io.tunebook.eval.JsonMatchResult;
import io.tunebook.eval.JsonSchema;
import io.tunebook.eval.Metric;
import io.tunebook.eval.Perplexity;
import io.tunebook.eval.PerplexityResult;
import io.tunebook.eval.Rouge;
import io.tunebook.eval.RougeScores;
import io.tunebook.eval.ab.AbItem;
import io.tunebook.eval.ab.BlindAbSession;
import io.tunebook.eval.client.ChatBackend;
import io.tunebook.eval.client.OpenAiClient;
import io.tunebook.eval.client.OpenAiClientConfig;
import io.tunebook.eval.judge.JudgePrompts;
import io.tunebook.eval.judge.JudgeSettings;
import io.tunebook.eval.judge.JudgeSummary;
import io.tunebook.eval.judge.PairwiseItem;
import io.tunebook.eval.judge.PairwiseJudge;
import io.tunebook.eval.judge.PairwiseResult;
import io.tunebook.model.CausalLM;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The examples of {@code eval}'s Javadoc, compiled. */
final class EvalExamples {
    private EvalExamples() {
    }

    static JsonMatchResult jsonMatch(List<String> outputs, List<String> references) {
        // snippet: eval/JsonMatch.java
        JsonMatch match = JsonMatch.with(JsonSchema.read(Path.of("datasets/extract-json/schema.json")));
        JsonMatchResult r = match.evaluate(outputs, references);
        // end snippet
        return r;
    }

    static double rouge(String reference, String prediction) {
        // snippet: eval/Rouge.java
        RougeScores s = Rouge.builder().stemming(true).build().score(reference, prediction);
        double f = s.rougeL().fmeasure();
        // end snippet
        return f;
    }

    static PerplexityResult perplexity(CausalLM model, List<String> prompts, List<String> answers) {
        // snippet: eval/Perplexity.java
        PerplexityResult r = Perplexity.builder().build().ofCompletions(model, prompts, answers);
        // end snippet
        return r;
    }

    static BleuScore bleu(List<String> hypotheses, List<String> references, String hypothesis, String reference) {
        // snippet: eval/Bleu.java
        BleuScore corpus = Bleu.corpus().corpusScore(hypotheses, List.of(references));
        BleuScore one = Bleu.sentence().sentenceScore(hypothesis, List.of(reference));
        // end snippet
        return corpus;
    }

    static void evaluator(CausalLM model) throws IOException {
        // snippet: eval/Evaluator.java
        EvaluationResult r = Evaluator.builder()
                .base(model)
                .adapter("fine-tuned", model, Path.of("runs/quickstart-lora/adapter"))
                .dataset("support-fr test", Datasets.load("datasets/support-fr/test.jsonl"))
                .metrics(Metric.BLEU, Metric.ROUGE_L, Metric.PERPLEXITY)
                .limit(50)
                .build().run();
        r.save(Path.of("runs/eval"));
        // end snippet
    }

    static OpenAiClient openAiClient() {
        // snippet: eval/client/OpenAiClient.java
        var judge = new OpenAiClient(OpenAiClientConfig.builder("https://api.example.com/v1", "gpt-4o")
                .apiKeyEnv("OPENAI_API_KEY").cacheDir(Path.of("judge-cache")).build());
        // end snippet
        return judge;
    }

    static JudgeSummary pairwiseJudge(ChatBackend client, List<PairwiseItem> items) {
        // snippet: eval/judge/PairwiseJudge.java
        PairwiseJudge judge = new PairwiseJudge(client, JudgePrompts.french(), JudgeSettings.builder().build());
        List<PairwiseResult> results = judge.compareAll(items);
        JudgeSummary summary = JudgeSummary.of(results);
        // end snippet
        return summary;
    }

    static EvaluationResult blindAbSession(Path dir, EvaluationResult result) throws IOException {
        // snippet: eval/ab/BlindAbSession.java
        BlindAbSession s = BlindAbSession.create(dir, AbItem.of(result, "fine-tuned", "base"), "fine-tuned", "base", 42);
        s.next();            // a notebook cell shows the pair
        s.rate("A");         // ... and the next one
        result = result.withJudgement(s.unblind());
        // end snippet
        return result;
    }
}
