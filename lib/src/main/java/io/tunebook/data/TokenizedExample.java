package io.tunebook.data;

/**
 * One training sequence: token ids and, aligned with them, the labels the loss learns, with
 * {@value #IGNORE_INDEX} where nothing is learnt (prompt, system message, template markup). As in
 * transformers, labels are not shifted: the loss predicts {@code labels[t]} from positions before t.
 */
public record TokenizedExample(long[] inputIds, long[] labels) {
    /** Label of a token that contributes no loss, as PyTorch's cross-entropy {@code ignore_index}. */
    public static final long IGNORE_INDEX = -100;

    public TokenizedExample {
        if (inputIds.length != labels.length) {
            throw new IllegalArgumentException("inputIds and labels differ in length: " + inputIds.length + " vs "
                    + labels.length);
        }
    }

    public int length() {
        return inputIds.length;
    }

    /** Tokens the loss counts: labelled ones after the first position (nothing predicts position 0). */
    public int labelledTokens() {
        int n = 0;
        for (int t = 1; t < labels.length; t++) {
            if (labels[t] != IGNORE_INDEX) {
                n++;
            }
        }
        return n;
    }
}
