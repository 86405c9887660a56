package io.tunebook.eval.judge;

import io.tunebook.eval.client.ChatBackend;
import java.util.List;
import java.util.Map;

/**
 * Rates each answer on its own from 1 to 10 (MT-Bench's single-answer grading), against a reference
 * answer when the item has one.
 */
public final class SingleAnswerGrader {
    private final JudgeCalls calls;
    private final JudgePrompts prompts;

    public SingleAnswerGrader(ChatBackend backend, JudgePrompts prompts, JudgeSettings settings) {
        this.calls = new JudgeCalls(backend, settings);
        this.prompts = prompts;
    }

    public GradeResult grade(GradingItem item) {
        Template t = item.reference().isPresent() ? prompts.singleWithReference() : prompts.single();
        return new GradeResult(item, calls.ask(t, Map.of("question", item.question(), "answer", item.answer(),
                "reference", item.reference().orElse("")), VerdictParser::rating, "[[rating]] from 1 to 10"));
    }

    /** Every item graded, several at once; results in item order. */
    public List<GradeResult> gradeAll(List<GradingItem> items) {
        return calls.all(items, this::grade);
    }

    public String judgeModel() {
        return calls.judgeModel();
    }

    public JudgePrompts prompts() {
        return prompts;
    }
}
