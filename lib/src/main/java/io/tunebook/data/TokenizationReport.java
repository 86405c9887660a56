package io.tunebook.data;

import java.util.List;

/**
 * What tokenizing a dataset for supervised fine-tuning did: how many examples were kept, how many
 * were truncated or dropped and why, and the token counts of what is kept.
 *
 * @param examples examples read
 * @param kept examples kept (truncated ones included)
 * @param truncated kept examples that were cut to {@code maxSeqLength}
 * @param droppedTooLong examples left out for being longer than {@code maxSeqLength} ({@link Truncation#DROP})
 * @param droppedNoLabels examples left out with no token to learn: no assistant turn, or truncation
 *        cut all of it
 * @param tokens tokens of the kept examples
 * @param labelledTokens of those, tokens the loss learns
 * @param longest length of the longest kept example
 * @param dropped sources of the first dropped examples (at most {@value #MAX_LISTED}), with the reason
 */
public record TokenizationReport(int examples, int kept, int truncated, int droppedTooLong, int droppedNoLabels,
        long tokens, long labelledTokens, int longest, int maxSeqLength, Truncation truncation, List<String> dropped) {
    /** How many dropped examples are named in {@link #dropped()}. */
    public static final int MAX_LISTED = 20;

    public TokenizationReport {
        dropped = List.copyOf(dropped);
    }

    /** A few lines for a log or a notebook. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(kept).append(" of ").append(examples).append(" examples kept, ").append(tokens).append(" tokens (")
                .append(labelledTokens).append(" learnt), longest ").append(longest).append(" of max ")
                .append(maxSeqLength).append('\n');
        b.append(truncated).append(" truncated, ").append(droppedTooLong).append(" dropped as too long (")
                .append(truncation).append("), ").append(droppedNoLabels).append(" dropped with nothing to learn");
        for (String d : dropped) {
            b.append("\n  ").append(d);
        }
        return b.toString();
    }
}
