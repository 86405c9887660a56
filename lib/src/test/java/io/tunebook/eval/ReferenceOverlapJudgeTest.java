package io.tunebook.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.eval.judge.JudgeSummary;
import io.tunebook.eval.judge.PairwiseItem;
import io.tunebook.eval.judge.PairwiseJudge;
import io.tunebook.eval.judge.PairwiseResult;
import io.tunebook.eval.judge.Verdict;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReferenceOverlapJudgeTest {
    private static final String REFERENCE = "Bonjour, le remboursement intervient sous 5 à 7 jours ouvrés.";

    @Test
    void theAnswerNearerTheReferenceWinsInBothOrders() {
        PairwiseJudge judge = ReferenceOverlapJudge.create();
        PairwiseItem item = PairwiseItem.of("1", "remboursement", "Quand serai-je remboursé ?",
                "Bonjour, le remboursement intervient sous 5 à 7 jours.", "Relisez nos conditions.")
                .withReference(REFERENCE);
        PairwiseResult r = judge.compare(item);
        assertEquals(Optional.of(Verdict.A), r.verdict(), r.original().raw());
        assertTrue(r.consistent(), "a rule has no favourite position");
        assertTrue(r.original().raw().startsWith("ROUGE-L against the reference: A 0.9"), r.original().raw());
        assertEquals("rouge-l-stand-in", judge.judgeModel());
        assertEquals(Optional.empty(), judge.prompts());
    }

    @Test
    void answersWithinTheMarginTieAndTheSummaryCountsThem() {
        PairwiseJudge judge = ReferenceOverlapJudge.create(0.5);
        List<PairwiseResult> results = judge.compareAll(List.of(
                PairwiseItem.of("1", "c", "q", REFERENCE, REFERENCE + " Merci.").withReference(REFERENCE),
                PairwiseItem.of("2", "c", "q", "Relisez nos conditions.", REFERENCE).withReference(REFERENCE)));
        assertEquals(Optional.of(Verdict.TIE), results.get(0).verdict());
        assertEquals(Optional.of(Verdict.B), results.get(1).verdict());
        JudgeSummary s = JudgeSummary.of(results);
        assertEquals(2, s.judged());
    }

    @Test
    void withoutAReferenceOrWithABadMarginItSaysWhatItNeeds() {
        PairwiseJudge judge = ReferenceOverlapJudge.create();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> judge.compare(PairwiseItem.of("1", "c", "q", "a", "b")));
        assertTrue(e.getMessage().contains("needs reference answers"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReferenceOverlapJudge.create(-0.1));
    }
}
