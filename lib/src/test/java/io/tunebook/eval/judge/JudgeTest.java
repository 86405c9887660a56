package io.tunebook.eval.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.eval.client.ChatBackend;
import io.tunebook.eval.client.ChatBackendException;
import io.tunebook.eval.client.ChatRequest;
import io.tunebook.eval.client.ChatResponse;
import io.tunebook.eval.client.TokenUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The judges' logic with a judge whose answers a function of the prompt decides. */
class JudgeTest {
    /** Answers each prompt with {@code rule(prompt)}; throws for a null answer. Records every prompt. */
    static final class ScriptedJudge implements ChatBackend {
        final Function<String, String> rule;
        final List<String> prompts = Collections.synchronizedList(new ArrayList<>());

        ScriptedJudge(Function<String, String> rule) {
            this.rule = rule;
        }

        @Override
        public String modelId() {
            return "scripted";
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            String prompt = request.messages().get(1).content();
            prompts.add(prompt);
            String answer = rule.apply(prompt);
            if (answer == null) {
                throw new ChatBackendException("HTTP 503: down", 503, null);
            }
            return new ChatResponse(answer, "stop", new TokenUsage(100, 10), false);
        }
    }

    static final Template SHORT = new Template("Judge.", "Q {question}\nA: {answer_a}\nB: {answer_b}");
    static final JudgePrompts PROMPTS = JudgePrompts.english().withPairwise(SHORT);

    /** Which answer the judge saw in position A. */
    static String shownFirst(String prompt) {
        return prompt.substring(prompt.indexOf("A: ") + 3, prompt.indexOf("\nB: "));
    }

    @Test
    void bothOrdersAreAskedAndASwapSurvivingVerdictWins() {
        // A judge that always prefers the answer "good", wherever it is shown.
        ScriptedJudge judge = new ScriptedJudge(p -> shownFirst(p).equals("good") ? "[[A]]" : "[[B]]");
        PairwiseResult r = new PairwiseJudge(judge, PROMPTS, JudgeSettings.builder().build())
                .compare(PairwiseItem.of("1", "x", "q", "bad", "good"));
        assertEquals(2, judge.prompts.size());
        assertEquals("bad", shownFirst(judge.prompts.get(0)));
        assertEquals("good", shownFirst(judge.prompts.get(1)));
        assertEquals(Optional.of(Verdict.B), r.original().parsed());
        assertEquals(Optional.of(Verdict.A), r.swapped().parsed(), "in the labels the judge saw");
        assertEquals(Optional.of(Verdict.B), r.verdict());
        assertTrue(r.consistent());
    }

    @Test
    void aPositionBiasedJudgeGivesInconsistentTies() {
        ScriptedJudge judge = new ScriptedJudge(p -> "The first one is better. [[A]]");
        PairwiseResult r = new PairwiseJudge(judge, PROMPTS, JudgeSettings.builder().build())
                .compare(PairwiseItem.of("1", "x", "q", "one", "two"));
        assertEquals(Optional.of(Verdict.TIE), r.verdict());
        assertFalse(r.consistent());
    }

    @Test
    void unreadableAndFailedCallsAreRecordedWithTheRawAnswer() {
        ScriptedJudge judge = new ScriptedJudge(p -> p.contains("down") ? null : "Both are fine.");
        List<PairwiseResult> rs = new PairwiseJudge(judge, PROMPTS, JudgeSettings.builder().parallelism(2).build())
                .compareAll(List.of(PairwiseItem.of("1", "x", "q", "a", "b"),
                        PairwiseItem.of("2", "x", "down", "a", "b")));
        assertTrue(rs.get(0).verdict().isEmpty());
        assertEquals("Both are fine.", rs.get(0).original().raw());
        assertTrue(rs.get(0).original().problem().get().startsWith("unparseable"));
        assertTrue(rs.get(1).original().problem().get().contains("HTTP 503"));
        JudgeSummary s = JudgeSummary.of(rs);
        assertEquals(2, s.unparseable());
        assertEquals(0, s.judged());
    }

    @Test
    void referenceGuidedPromptsCarryTheReference() {
        ScriptedJudge judge = new ScriptedJudge(p -> "Rating: [[8]]");
        GradeResult g = new SingleAnswerGrader(judge, JudgePrompts.english(), JudgeSettings.builder().build())
                .grade(GradingItem.of("1", "math", "2+2?", "4").withReference("four"));
        assertEquals(Optional.of(8.0), g.rating());
        assertTrue(judge.prompts.get(0).contains("[The Start of Reference Answer]\nfour"), judge.prompts.get(0));
        new PairwiseJudge(judge, JudgePrompts.french(), JudgeSettings.builder().build())
                .compare(PairwiseItem.of("1", "math", "2+2?", "4", "5").withReference("quatre"));
        assertTrue(judge.prompts.get(1).contains("[Début de la réponse de référence]\nquatre"));
    }

    @Test
    void wilsonIntervalsMatchPublishedValues() {
        Rate r = Rate.of(8, 10);
        assertEquals(0.8, r.rate(), 1e-12);
        assertEquals(0.4902, r.low(), 1e-4);
        assertEquals(0.9433, r.high(), 1e-4);
        Rate zero = Rate.of(0, 20);
        assertEquals(0, zero.low(), 1e-12);
        assertEquals(0.1611, zero.high(), 1e-4);
        assertTrue(Double.isNaN(Rate.of(0, 0).rate()));
    }

    @Test
    void summaryCountsRatesConsistencyAndCategories() {
        // Item i: the judge prefers answer "good"; items 3 and 4 get a position-biased judge.
        ScriptedJudge judge = new ScriptedJudge(p -> p.startsWith("Q biased") ? "[[A]]"
                : shownFirst(p).equals("good") ? "[[A]]" : shownFirst(p).equals("same") ? "[[C]]" : "[[B]]");
        List<PairwiseItem> items = List.of(
                PairwiseItem.of("1", "code", "q", "good", "bad"),
                PairwiseItem.of("2", "code", "q", "good", "bad"),
                PairwiseItem.of("3", "chat", "biased", "x", "y"),
                PairwiseItem.of("4", "chat", "biased", "x", "y"),
                PairwiseItem.of("5", "chat", "q", "bad", "good"),
                PairwiseItem.of("6", "chat", "q", "same", "same"));
        List<PairwiseResult> rs = new PairwiseJudge(judge, PROMPTS, JudgeSettings.builder().build()).compareAll(items);
        JudgeSummary s = JudgeSummary.of(rs);
        assertEquals(6, s.total());
        assertEquals(6, s.judged());
        assertEquals(2, s.winA().count());
        assertEquals(1, s.winB().count());
        assertEquals(3, s.tie().count(), "two inconsistent plus one real tie");
        assertEquals(4, s.consistency().count());
        assertEquals(2, s.inconsistent());
        assertEquals(Rate.of(2, 6), s.winA());
        assertEquals(2, s.byCategory().get("code").winA().count());
        assertEquals(4, s.byCategory().get("chat").total());
        assertEquals(0, s.byCategory().get("chat").winA().count());
        assertTrue(s.toString().contains("inconsistent"), s.toString());
    }

    @Test
    void gradeSummaryMeanAndInterval() {
        List<GradeResult> rs = new ArrayList<>();
        double[] ratings = {6, 8, 7, 9};
        for (int i = 0; i < ratings.length; i++) {
            double r = ratings[i];
            rs.add(new GradeResult(GradingItem.of(String.valueOf(i), i < 2 ? "a" : "b", "q", "x"),
                    new Judgment<>("[[" + r + "]]", Optional.of(r), Optional.empty(), TokenUsage.NONE, false)));
        }
        rs.add(new GradeResult(GradingItem.of("x", "b", "q", "x"), new Judgment<>("no idea", Optional.empty(),
                Optional.of("unparseable"), TokenUsage.NONE, false)));
        GradeSummary s = GradeSummary.of(rs);
        assertEquals(5, s.total());
        assertEquals(4, s.graded());
        assertEquals(1, s.unparseable());
        assertEquals(7.5, s.mean(), 1e-12);
        double half = 1.959963984540054 * Math.sqrt(5.0 / 3) / 2;  // sample variance of 6,8,7,9 is 5/3
        assertEquals(7.5 - half, s.low(), 1e-9);
        assertEquals(7.0, s.byCategory().get("a").mean(), 1e-12);
        assertEquals(8.0, s.byCategory().get("b").mean(), 1e-12);
    }
}
