package io.tunebook.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The seeds' prompting / RAG / fine-tuning tree, walked through its branches. */
class DecisionTest {

    private static List<String> sources(Recommendation r) {
        return r.reasons().stream().map(Reason::source).toList();
    }

    @Test
    void aStandardCaseIsPrompting() {
        Recommendation r = Decision.ask().recommend();
        assertEquals(Approach.PROMPTING, r.approach());
        assertTrue(sources(r).contains("seed 003, lines 53-56"), sources(r).toString());
    }

    @Test
    void changingOrCitedKnowledgeWithoutBehaviourIsRag() {
        Recommendation fresh = Decision.ask().knowledgeChangesOften(true).recommend();
        assertEquals(Approach.RAG, fresh.approach());
        assertEquals(List.of("seed 001, line 11", "seed 001, line 13"), sources(fresh));
        Recommendation cited = Decision.ask().needsCitations(true).promptingTried(true).trainingExamples(5000)
                .recommend();
        assertEquals(Approach.RAG, cited.approach(), "examples do not turn a knowledge need into fine-tuning");
    }

    @Test
    void aBehaviourNeedGoesToPromptingFirst() {
        Recommendation r = Decision.ask().needsStyle(true).needsOutputFormat(true).recommend();
        assertEquals(Approach.PROMPTING, r.approach());
        assertEquals("seed 004, line 34", r.reasons().get(0).source());
        assertTrue(sources(r).containsAll(List.of("seed 001, line 18", "seed 000, line 25")), sources(r).toString());
    }

    @Test
    void promptingThatFellShortWithEnoughExamplesIsFineTuning() {
        Recommendation r = Decision.ask().narrowRepetitiveTask(true).promptingTried(true).trainingExamples(2000)
                .recommend();
        assertEquals(Approach.FINE_TUNING, r.approach());
        assertEquals("seed 002, line 58", r.reasons().get(0).source());
        assertTrue(sources(r).containsAll(List.of("seed 001, line 17", "seed 001, line 514")), sources(r).toString());
    }

    @Test
    void behaviourAndChangingKnowledgeCombine() {
        Recommendation r = Decision.ask().needsStyle(true).knowledgeChangesOften(true).promptingTried(true)
                .trainingExamples(300).recommend();
        assertEquals(Approach.RAG_AND_FINE_TUNING, r.approach());
        assertTrue(sources(r).containsAll(List.of("seed 001, lines 22-23", "seed 001, line 11")), sources(r).toString());
    }

    @Test
    void tooFewExamplesKeepsPromptingAndTheThresholdDependsOnTheNeed() {
        // A style alone: 50 examples (seed 003, line 134); a task: 200 (line 135).
        Recommendation style = Decision.ask().needsStyle(true).promptingTried(true).trainingExamples(60).recommend();
        assertEquals(Approach.FINE_TUNING, style.approach());
        Recommendation task = Decision.ask().needsOutputFormat(true).promptingTried(true).trainingExamples(60)
                .recommend();
        assertEquals(Approach.PROMPTING, task.approach());
        assertTrue(task.summary().contains("60 of the 200"), task.summary());
        Recommendation unknown = Decision.ask().needsOutputFormat(true).promptingTried(true).recommend();
        assertEquals(Approach.FINE_TUNING, unknown.approach());
        assertTrue(sources(unknown).contains("seed 003, lines 134-136"), "an unknown count asks to count first");
        assertThrows(IllegalArgumentException.class, () -> Decision.ask().trainingExamples(-3));
    }

    @Test
    void everyReasonQuotesItsSeed() {
        Recommendation r = Decision.ask().needsStyle(true).needsOutputFormat(true).narrowRepetitiveTask(true)
                .needsSmallerCheaperModel(true).needsCitations(true).promptingTried(true).trainingExamples(1000)
                .recommend();
        assertEquals(Approach.RAG_AND_FINE_TUNING, r.approach());
        for (Reason reason : r.reasons()) {
            assertTrue(reason.source().matches("seed 00[0-4], lines? \\d+(-\\d+)?"), reason.source());
            assertTrue(!reason.quote().isBlank() && !reason.criterion().isBlank(), reason.toString());
        }
        assertTrue(r.answers().needsCitations());
    }
}
