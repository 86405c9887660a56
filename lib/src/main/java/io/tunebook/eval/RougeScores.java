package io.tunebook.eval;

/**
 * ROUGE of one prediction against one target.
 *
 * @param rouge1 unigram overlap
 * @param rouge2 bigram overlap
 * @param rougeL longest common subsequence over the whole text
 * @param rougeLsum summary-level LCS over newline-separated sentences (union LCS, ROUGE-1.5.5's)
 */
public record RougeScores(RougeScore rouge1, RougeScore rouge2, RougeScore rougeL, RougeScore rougeLsum) {
}
