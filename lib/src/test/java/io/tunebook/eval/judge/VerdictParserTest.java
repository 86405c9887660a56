package io.tunebook.eval.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerdictParserTest {
    @Test
    void readsTheAskedForFormat() {
        assertEquals(Optional.of(Verdict.A), VerdictParser.pairwise("[[A]]"));
        assertEquals(Optional.of(Verdict.B), VerdictParser.pairwise("Assistant B is more accurate.\n\n[[B]]"));
        assertEquals(Optional.of(Verdict.TIE), VerdictParser.pairwise("Both are equally good. [[C]]"));
        assertEquals(Optional.of(Verdict.TIE), VerdictParser.pairwise("Verdict : [[égalité]]"));
        assertEquals(Optional.of(Verdict.TIE), VerdictParser.pairwise("[[ tie ]]"));
    }

    @Test
    void survivesChattyJudgesAndMarkdown() {
        assertEquals(Optional.of(Verdict.B), VerdictParser.pairwise(
                "I must answer [[A]] if A is better or [[B]] if B is better. Having compared them, **[[B]]**"));
        assertEquals(Optional.of(Verdict.A), VerdictParser.pairwise("### Final verdict\n`[[A]]`"));
        assertEquals(Optional.of(Verdict.A), VerdictParser.pairwise("**Final verdict: Assistant A**"));
        assertEquals(Optional.of(Verdict.B), VerdictParser.pairwise("Mon verdict final : B, car il est plus précis."));
        assertEquals(Optional.of(Verdict.TIE), VerdictParser.pairwise("My verdict is: tie"));
        assertEquals(Optional.of(Verdict.B), VerdictParser.pairwise("  B. "));
    }

    @Test
    void reportsWhatItCannotRead() {
        assertTrue(VerdictParser.pairwise("Both answers have merits and flaws.").isEmpty());
        assertTrue(VerdictParser.pairwise("").isEmpty());
        assertTrue(VerdictParser.pairwise(null).isEmpty());
        assertTrue(VerdictParser.pairwise("[[D]]").isEmpty());
        assertTrue(VerdictParser.pairwise("A good answer would mention apt.").isEmpty());
    }

    @Test
    void readsRatings() {
        assertEquals(Optional.of(7.0), VerdictParser.rating("The answer is correct but terse. Rating: [[7]]"));
        assertEquals(Optional.of(8.5), VerdictParser.rating("Note : [[8,5]]"));
        assertEquals(Optional.of(6.0), VerdictParser.rating("Format is \"[[rating]]\", e.g. [[5]]. Mine: [[6]]"));
        assertEquals(Optional.of(9.0), VerdictParser.rating("**Rating:** 9"));
        assertEquals(Optional.of(4.0), VerdictParser.rating("I would give it 4/10."));
        assertEquals(Optional.of(10.0), VerdictParser.rating("[[10/10]]"));
        assertTrue(VerdictParser.rating("Rating: [[0]]").isEmpty(), "0 is outside 1 to 10");
        assertTrue(VerdictParser.rating("Rating: [[11]]").isEmpty());
        assertTrue(VerdictParser.rating("A fine answer.").isEmpty());
    }

    @Test
    void templatesRenderInOnePassAndNameWhatTheyLack() {
        Template t = new Template("sys", "Q: {question}\nA: {answer}");
        assertEquals("Q: what is {answer}?\nA: x", t.render(java.util.Map.of("question", "what is {answer}?",
                "answer", "x")));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> JudgePrompts.english().withPairwise(new Template("sys", "{question} {answer_a}")));
        assertTrue(e.getMessage().contains("pairwise") && e.getMessage().contains("{answer_b}"), e.getMessage());
        for (JudgePrompts p : new JudgePrompts[] {JudgePrompts.english(), JudgePrompts.french()}) {
            assertTrue(p.pairwise().system().contains("[[A]]") && p.single().system().contains("[[5]]"));
        }
    }
}
