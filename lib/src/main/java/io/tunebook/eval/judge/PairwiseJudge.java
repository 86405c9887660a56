package io.tunebook.eval.judge;

import io.tunebook.eval.client.ChatBackend;
import java.util.List;
import java.util.Map;

/**
 * Compares two answers to each question, asking the judge twice with the answers in both orders:
 * judges favour a position, and only a verdict that survives the swap counts as a win. A
 * disagreement counts as a tie and is reported as inconsistent.
 *
 * <pre>{@code
 * PairwiseJudge judge = new PairwiseJudge(client, JudgePrompts.french(), JudgeSettings.builder().build());
 * List<PairwiseResult> results = judge.compareAll(items);
 * JudgeSummary summary = JudgeSummary.of(results);
 * }</pre>
 */
public final class PairwiseJudge {
    private static final String VERDICT_FORMAT = "[[A]], [[B]] or [[C]] verdict";
    /** The verdicts a judge that scores choices picks from (see {@code ChatRequest#choices()}). */
    private static final String[] VERDICTS = {"[[A]]", "[[B]]", "[[C]]"};

    private final JudgeCalls calls;
    private final JudgePrompts prompts;

    public PairwiseJudge(ChatBackend backend, JudgePrompts prompts, JudgeSettings settings) {
        this.calls = new JudgeCalls(backend, settings);
        this.prompts = prompts;
    }

    public PairwiseResult compare(PairwiseItem item) {
        Template t = item.reference().isPresent() ? prompts.pairwiseWithReference() : prompts.pairwise();
        String reference = item.reference().orElse("");
        Judgment<Verdict> original = calls.ask(t, Map.of("question", item.question(), "answer_a", item.answerA(),
                "answer_b", item.answerB(), "reference", reference), VerdictParser::pairwise, VERDICT_FORMAT,
                VERDICTS);
        Judgment<Verdict> swapped = calls.ask(t, Map.of("question", item.question(), "answer_a", item.answerB(),
                "answer_b", item.answerA(), "reference", reference), VerdictParser::pairwise, VERDICT_FORMAT,
                VERDICTS);
        return PairwiseResult.of(item, original, swapped);
    }

    /** Every item compared, several at once; results in item order. */
    public List<PairwiseResult> compareAll(List<PairwiseItem> items) {
        return calls.all(items, this::compare);
    }

    public String judgeModel() {
        return calls.judgeModel();
    }

    public JudgePrompts prompts() {
        return prompts;
    }
}
