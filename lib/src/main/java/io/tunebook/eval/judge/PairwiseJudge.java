package io.tunebook.eval.judge;

import io.tunebook.eval.client.ChatBackend;
import io.tunebook.eval.client.TokenUsage;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /**
     * A judge that is a stated rule rather than a model, for classes and tests that must run offline: it sees
     * what a model judge sees (question, answers A and B, the reference when there is one) and explains its
     * verdict in one line, which the report keeps as the raw answer.
     */
    public interface Rule {
        /** The verdict's one-line explanation, ending in {@code [[A]]}, {@code [[B]]} or {@code [[C]]}. */
        String judge(String question, String answerA, String answerB, Optional<String> reference);
    }

    private final JudgeCalls calls;
    private final JudgePrompts prompts;
    private final String ruleName;
    private final Rule rule;

    public PairwiseJudge(ChatBackend backend, JudgePrompts prompts, JudgeSettings settings) {
        this.calls = new JudgeCalls(backend, settings);
        this.prompts = prompts;
        this.ruleName = null;
        this.rule = null;
    }

    private PairwiseJudge(String ruleName, Rule rule) {
        this.calls = null;
        this.prompts = null;
        this.ruleName = ruleName;
        this.rule = rule;
    }

    /** A judge by {@code rule}, reported under {@code name}; asked in both orders like any judge. */
    public static PairwiseJudge byRule(String name, Rule rule) {
        return new PairwiseJudge(name, rule);
    }

    public PairwiseResult compare(PairwiseItem item) {
        if (rule != null) {
            return PairwiseResult.of(item, ruled(item.question(), item.answerA(), item.answerB(), item.reference()),
                    ruled(item.question(), item.answerB(), item.answerA(), item.reference()));
        }
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

    private Judgment<Verdict> ruled(String question, String answerA, String answerB, Optional<String> reference) {
        String said = rule.judge(question, answerA, answerB, reference);
        Optional<Verdict> verdict = VerdictParser.pairwise(said);
        return new Judgment<>(said, verdict, verdict.isPresent() ? Optional.empty()
                : Optional.of("unparseable: the rule gave no " + VERDICT_FORMAT), TokenUsage.NONE, false);
    }

    /** Every item compared, several at once; results in item order. */
    public List<PairwiseResult> compareAll(List<PairwiseItem> items) {
        return rule != null ? items.stream().map(this::compare).toList() : calls.all(items, this::compare);
    }

    public String judgeModel() {
        return rule != null ? ruleName : calls.judgeModel();
    }

    /** The prompts a model judge is asked with; empty for a judge by rule. */
    public Optional<JudgePrompts> prompts() {
        return Optional.ofNullable(prompts);
    }
}
