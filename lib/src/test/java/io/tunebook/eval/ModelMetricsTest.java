package io.tunebook.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tokenizer;
import io.tunebook.train.CausalLmLoss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Perplexity and multiple-choice scoring on the shipped tiny-base model, checked against tokenLogProbs. */
class ModelMetricsTest {
    private static final Path ROOT = Path.of("..");
    private static CausalLM model;

    @BeforeAll
    static void load() {
        model = CausalLM.load(ROOT.resolve("models/tiny-base"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<String> supportAnswers(int n) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("datasets/support-fr/validation.jsonl")).subList(0, n)) {
            out.add(JsonParser.parseString(line).getAsJsonObject().get("output").getAsString());
        }
        return out;
    }

    @Test
    void completionPerplexityIsExpOfMeanNllOverCompletionTokens() {
        List<String> prompts = List.of("Question : où est ma commande ?\nRéponse :", "Bonjour,", "Le colis");
        List<String> completions = List.of(" Votre commande est en cours de livraison.", " merci pour votre message.",
                " arrivera demain matin.");
        PerplexityResult r = Perplexity.builder().batchSize(2).build().ofCompletions(model, prompts, completions);

        Tokenizer tok = model.tokenizer();
        double nll = 0;
        long tokens = 0;
        for (int i = 0; i < prompts.size(); i++) {
            long[] p = tok.encode(prompts.get(i), true);
            long[] c = tok.encode(completions.get(i), false);
            long[] row = Arrays.copyOf(p, p.length + c.length + 1);
            System.arraycopy(c, 0, row, p.length, c.length);
            row[row.length - 1] = tok.eosId().getAsLong();
            float[] lp = model.tokenLogProbs(row);
            for (int t = p.length; t < row.length; t++) {   // lp[t - 1] scores row[t]
                nll -= lp[t - 1];
                tokens++;
            }
        }
        assertEquals(tokens, r.tokens());
        assertEquals(3, r.sequences());
        assertEquals(nll / tokens, r.meanNll(), 1e-4);
        assertEquals(Math.exp(nll / tokens), r.perplexity(), 1e-3 * r.perplexity());
    }

    @Test
    void frenchTextIsLessPerplexingThanItsTokensShuffledAndBatchingChangesNothing() throws IOException {
        Tokenizer tok = model.tokenizer();
        List<long[]> ids = new ArrayList<>();
        List<long[]> shuffled = new ArrayList<>();
        Random random = new Random(1);
        for (String text : supportAnswers(3)) {
            long[] row = tok.encode(text, true);
            ids.add(row);
            List<Long> body = new ArrayList<>();
            for (int i = 1; i < row.length; i++) {
                body.add(row[i]);
            }
            Collections.shuffle(body, random);
            long[] s = row.clone();
            for (int i = 1; i < s.length; i++) {
                s[i] = body.get(i - 1);
            }
            shuffled.add(s);
        }
        List<long[]> labels = labels(ids);
        PerplexityResult french = Perplexity.builder().batchSize(3).build().of(model, ids, labels);
        PerplexityResult one = Perplexity.builder().batchSize(1).build().of(model, ids, labels);
        PerplexityResult noise = Perplexity.builder().batchSize(3).build().of(model, shuffled, labels(shuffled));
        System.out.printf("tiny-base perplexity: French %.2f, same tokens shuffled %.2f%n", french.perplexity(),
                noise.perplexity());
        assertTrue(french.perplexity() * 3 < noise.perplexity(), french + " vs " + noise);
        assertEquals(one.meanNll(), french.meanNll(), 1e-4);
        assertThrows(IllegalArgumentException.class, () -> Perplexity.builder().build().of(model,
                List.of(new long[] {1, 2}), List.of(new long[] {-100, -100})));
    }

    private static List<long[]> labels(List<long[]> ids) {
        List<long[]> out = new ArrayList<>();
        for (long[] row : ids) {
            long[] l = row.clone();
            l[0] = CausalLmLoss.IGNORE_INDEX;
            out.add(l);
        }
        return out;
    }

    @Test
    void choiceLogLikelihoodsEqualAHandComputationWithTokenLogProbs() {
        MultipleChoice mc = MultipleChoice.builder().build();
        List<MultipleChoiceQuestion> questions = List.of(
                new MultipleChoiceQuestion("Quelle est la capitale de la France ?", List.of("Berlin", "Paris", "Rome"), 1, ""),
                new MultipleChoiceQuestion("Quel jour vient après le lundi ?", List.of("mardi", "dimanche"), 0, ""));
        MultipleChoiceResult r = mc.evaluate(model, questions);
        Tokenizer tok = model.tokenizer();
        for (int q = 0; q < questions.size(); q++) {
            String prompt = "Question : " + questions.get(q).question() + "\nRéponse :";
            long[] context = tok.encode(prompt, true);
            for (int c = 0; c < questions.get(q).choices().size(); c++) {
                long[] whole = tok.encode(prompt + " " + questions.get(q).choices().get(c), true);
                float[] lp = model.tokenLogProbs(whole);
                double ll = 0;
                for (int t = context.length; t < whole.length; t++) {
                    ll += lp[t - 1];
                }
                assertEquals(ll, r.items().get(q).logLikelihoods().get(c), 1e-3, "question " + q + " choice " + c);
            }
            List<Double> lls = r.items().get(q).logLikelihoods();
            assertEquals(lls.indexOf(Collections.max(lls)), r.items().get(q).predicted());
        }
    }

    @Test
    void forgettingCheckOnTheShippedSet() {
        List<MultipleChoiceQuestion> questions = MultipleChoiceQuestion.read(ROOT.resolve("datasets/general-fr-mc/test.jsonl"));
        assertEquals(114, questions.size());
        // A spread of 24 questions keeps the test short; the README of the set has full-set figures.
        List<MultipleChoiceQuestion> sample = new ArrayList<>();
        for (int i = 0; i < questions.size(); i += 5) {
            sample.add(questions.get(i));
        }
        MultipleChoiceResult r = MultipleChoice.builder().build().evaluate(model, sample);
        System.out.printf("tiny-base on general-fr-mc: acc %.3f ± %.3f, acc_norm %.3f ± %.3f, acc_bytes %.3f%n",
                r.acc(), r.accStderr(), r.accNorm(), r.accNormStderr(), r.accBytes());
        int n = r.count();
        assertEquals(sample.size(), n);
        // Harness standard error of a 0/1 mean: sqrt(p (1 - p) n / (n - 1)) / sqrt(n).
        assertEquals(Math.sqrt(r.acc() * (1 - r.acc()) * n / (n - 1)) / Math.sqrt(n), r.accStderr(), 1e-12);
        long right = r.items().stream().filter(i -> i.predicted() == i.question().answer()).count();
        assertEquals(right / (double) n, r.acc(), 1e-12);
        assertTrue(r.items().stream().allMatch(i -> i.logLikelihoods().stream().allMatch(x -> x < 0)));
    }

    @Test
    void badQuestionFilesNameFileLineAndField(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("q.jsonl");
        String good = "{\"question\": \"Q ?\", \"choices\": [\"a\", \"b\"], \"answer\": 1}";
        String[][] cases = {
            {"{\"question\": \"Q ?\", \"choices\": [\"a\", \"b\"]}", "q.jsonl:2: field 'answer' is missing"},
            {"{\"question\": \"Q ?\", \"choices\": \"a, b\", \"answer\": 0}", "q.jsonl:2: field 'choices' must be an array of strings"},
            {"{\"question\": \"Q ?\", \"choices\": [\"a\", \"b\"], \"answer\": 2}", "q.jsonl:2: answer 2 is not an index of the 2 choices"},
            {"{\"question\": \"Q ?\", \"choices\": [\"a\", \"b\"], \"answer\": 0.5}", "q.jsonl:2: field 'answer' must be an integer"},
            {"not json", "q.jsonl:2: not valid JSON"},
        };
        for (String[] c : cases) {
            Files.writeString(file, good + "\n" + c[0] + "\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MultipleChoiceQuestion.read(file));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
