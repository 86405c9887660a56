/**
 * LLM-as-judge: {@link io.tunebook.eval.judge.PairwiseJudge} (both orders, to cancel position
 * bias), {@link io.tunebook.eval.judge.SingleAnswerGrader} (1 to 10, optionally against a reference
 * answer), prompt templates that are plain editable strings ({@link io.tunebook.eval.judge.JudgePrompts}),
 * a verdict parser that survives chatty judges and reports what it cannot read, and
 * {@link io.tunebook.eval.judge.JudgeSummary}: win/tie/loss rates with 95% Wilson intervals,
 * position consistency and a per-category breakdown. Any {@link io.tunebook.eval.client.ChatBackend}
 * can judge.
 */
package io.tunebook.eval.judge;
