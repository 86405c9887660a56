package io.tunebook.eval.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.eval.client.ChatBackend;
import io.tunebook.eval.client.ChatRequest;
import io.tunebook.eval.client.ChatResponse;
import io.tunebook.eval.client.LocalChatBackend;
import io.tunebook.eval.client.OpenAiClient;
import io.tunebook.eval.client.OpenAiClientConfig;
import io.tunebook.model.CausalLM;
import io.tunebook.serve.OpenAiServer;
import io.tunebook.serve.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The judge end to end: the HTTP client against {@code tunebook serve} on loopback, the tiny model
 * judging. Its verdicts are noise; what is checked is the pipeline: both orders asked over HTTP,
 * every answer parsed or reported, counts that add up, a saved report without the key, a re-run
 * answered from the cache.
 */
class JudgeOverServerTest {
    static final String KEY = "sk-e2e-never-in-output";
    static CausalLM model;
    static OpenAiServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        model = CausalLM.load(Path.of("../models/tiny-base"));
        server = OpenAiServer.start(model, ServerConfig.builder("tiny-base").port(0).maxTokens(8).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    /** Records what the judge is asked and told, in front of the real client. */
    static final class Recording implements ChatBackend {
        final ChatBackend inner;
        final List<String> prompts = Collections.synchronizedList(new ArrayList<>());
        final List<String> answers = Collections.synchronizedList(new ArrayList<>());

        Recording(ChatBackend inner) {
            this.inner = inner;
        }

        @Override
        public String modelId() {
            return inner.modelId();
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            ChatResponse r = inner.chat(request);
            prompts.add(request.messages().get(1).content());
            answers.add(r.text());
            return r;
        }
    }

    // Short prompts: the tiny model has 512 positions.
    static final JudgePrompts SHORT = JudgePrompts.french()
            .withPairwise(new Template("Juge. Réponds [[A]], [[B]] ou [[C]].",
                    "Question : {question}\nA : {answer_a}\nB : {answer_b}\nVerdict :"))
            .withPairwiseWithReference(new Template("Juge. Réponds [[A]], [[B]] ou [[C]].",
                    "Question : {question}\nRéférence : {reference}\nA : {answer_a}\nB : {answer_b}\nVerdict :"))
            .withSingle(new Template("Juge. Note de 1 à 10 : [[note]].", "Question : {question}\nRéponse : {answer}\nNote :"));

    OpenAiClient client() {
        return new OpenAiClient(OpenAiClientConfig.builder(server.baseUrl().toString(), "tiny-base")
                .apiKeyEnv("TB_E2E_KEY").cacheDir(tmp.resolve("cache")).maxConcurrency(2).build(),
                Map.of("TB_E2E_KEY", KEY)::get);
    }

    @Test
    void pairwiseJudgingOverHttpAddsUp() throws Exception {
        List<PairwiseItem> items = List.of(
                PairwiseItem.of("1", "apt", "Comment installer un paquet ?", "Avec apt install.", "Je ne sais pas."),
                PairwiseItem.of("2", "apt", "Comment mettre à jour ?", "apt upgrade", "Redémarrez."),
                PairwiseItem.of("3", "fichiers", "Où est monté le système ?", "Sur /.", "Dans /mnt.")
                        .withReference("À la racine /."));
        OpenAiClient client = client();
        Recording judge = new Recording(client);
        PairwiseJudge pairwise = new PairwiseJudge(judge, SHORT, JudgeSettings.builder().maxTokens(8).build());
        List<PairwiseResult> results = pairwise.compareAll(items);

        assertEquals(6, client.usage().requests(), "two HTTP requests per item, both orders");
        assertEquals(0, client.usage().retries());
        assertTrue(client.usage().billed().promptTokens() > 0 && client.usage().billed().completionTokens() > 0);
        for (int i = 0; i < items.size(); i++) {
            PairwiseItem item = items.get(i);
            PairwiseResult r = results.get(i);
            assertEquals(item, r.item());
            boolean sawOriginal = false;
            boolean sawSwapped = false;
            for (String p : judge.prompts) {
                sawOriginal |= p.contains(item.question()) && p.contains("A : " + item.answerA() + "\nB : " + item.answerB());
                sawSwapped |= p.contains(item.question()) && p.contains("A : " + item.answerB() + "\nB : " + item.answerA());
            }
            assertTrue(sawOriginal && sawSwapped, "item " + item.id() + " asked in both orders");
            assertEquals(item.reference().isPresent(), judge.prompts.stream().anyMatch(
                    p -> p.contains(item.question()) && p.contains("Référence : ")));
            for (Judgment<Verdict> j : List.of(r.original(), r.swapped())) {
                assertTrue(judge.answers.contains(j.raw()), "the raw answer is the model's");
                assertEquals(VerdictParser.pairwise(j.raw()), j.parsed(), "parsing outcome recorded as parsed");
                assertEquals(j.parsed().isEmpty(), j.problem().isPresent());
            }
            assertEquals(r.original().parsed().isPresent() && r.swapped().parsed().isPresent(), r.judged());
        }
        JudgeSummary s = JudgeSummary.of(results);
        assertEquals(3, s.total());
        assertEquals(s.total(), s.judged() + s.unparseable());
        assertEquals(s.judged(), s.winA().count() + s.tie().count() + s.winB().count());
        assertEquals(s.judged(), s.consistency().n());
        assertEquals(2, s.byCategory().size());
        assertEquals(s.total(), s.byCategory().values().stream().mapToInt(JudgeSummary::total).sum());

        Path saved = tmp.resolve("judge.json");
        JudgeReport.save(JudgeReport.pairwise(pairwise.judgeModel(), pairwise.prompts().orElseThrow(), results), saved);
        String json = Files.readString(saved);
        assertFalse(json.contains(KEY));
        JsonObject report = JsonParser.parseString(json).getAsJsonObject();
        assertEquals("tiny-base", report.get("judge_model").getAsString());
        assertEquals(SHORT.pairwise().user(), report.getAsJsonObject("prompts").getAsJsonObject("pairwise")
                .get("user").getAsString());
        JsonArray saved3 = report.getAsJsonArray("results");
        assertEquals(3, saved3.size());
        assertEquals(results.get(0).original().raw(), saved3.get(0).getAsJsonObject().getAsJsonObject("original")
                .get("raw").getAsString());
        assertEquals(s.judged(), report.getAsJsonObject("summary").get("judged").getAsInt());

        // Re-running the notebook: a new client on the same cache directory sends nothing.
        OpenAiClient again = client();
        List<PairwiseResult> rerun = new PairwiseJudge(again, SHORT, JudgeSettings.builder().maxTokens(8).build())
                .compareAll(items);
        assertEquals(0, again.usage().requests());
        assertEquals(6, again.usage().cacheHits());
        for (int i = 0; i < items.size(); i++) {
            assertEquals(results.get(i).original().raw(), rerun.get(i).original().raw());
            assertTrue(rerun.get(i).original().cached());
        }
        try (var files = Files.walk(tmp.resolve("cache"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f).contains(KEY));
            }
        }
    }

    @Test
    void gradingOverHttpMatchesTheLocalBackend() {
        List<GradingItem> items = List.of(GradingItem.of("1", "apt", "Comment installer un paquet ?", "apt install"),
                GradingItem.of("2", "apt", "Qu'est-ce qu'un noyau ?", "Le cœur du système."));
        JudgeSettings settings = JudgeSettings.builder().maxTokens(6).build();
        List<GradeResult> overHttp = new SingleAnswerGrader(client(), SHORT, settings).gradeAll(items);
        LocalChatBackend local = new LocalChatBackend(model, "tiny-base");
        List<GradeResult> inProcess = new SingleAnswerGrader(local, SHORT, settings).gradeAll(items);
        for (int i = 0; i < items.size(); i++) {
            assertEquals(inProcess.get(i).judgment().raw(), overHttp.get(i).judgment().raw(),
                    "greedy answers are the same through the server and in process");
            assertEquals(VerdictParser.rating(overHttp.get(i).judgment().raw()), overHttp.get(i).rating());
            assertEquals(inProcess.get(i).judgment().usage(), overHttp.get(i).judgment().usage());
        }
        GradeSummary s = GradeSummary.of(overHttp);
        assertEquals(2, s.total());
        assertEquals(s.total(), s.graded() + s.unparseable());
    }
}
