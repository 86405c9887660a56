/**
 * Blind A/B rating by a person, the human counterpart of the LLM judge:
 * {@link io.tunebook.eval.ab.BlindAbSession} blinds two systems' answers into randomised pairs (the
 * key in its own file), records each rating as it is given, resumes where the rater stopped, and
 * unblinds into the same win/tie/loss summary as {@link io.tunebook.eval.judge.PairwiseJudge}. A
 * notebook shows {@code session.next()} and calls {@code session.rate("A")}; a console runs
 * {@code tunebook ab rate DIR}.
 */
package io.tunebook.eval.ab;
