package io.tunebook.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.tunebook.data.TokenizedExample;

/**
 * Next-token cross-entropy as transformers computes it: position t predicts label t+1, and labels
 * of {@value #IGNORE_INDEX} (prompt, padding) are left out.
 */
public final class CausalLmLoss {
    /** Label value that contributes no loss, as in PyTorch's cross-entropy. */
    public static final long IGNORE_INDEX = TokenizedExample.IGNORE_INDEX;

    private CausalLmLoss() {
    }

    /**
     * Summed (not averaged) negative log-likelihood over the counted labels, so that gradient
     * accumulation can divide by the token count of the whole accumulated batch.
     *
     * @param logits {@code [batch, seq, vocab]}
     * @param labels {@code [batch, seq]} int64, usually the input ids with ignored positions at -100
     */
    public static NDArray sum(NDArray logits, NDArray labels) {
        NDArray shiftedLogits = logits.get(":, :-1, :");
        NDArray shiftedLabels = labels.get(":, 1:");
        NDArray counted = shiftedLabels.neq(IGNORE_INDEX);
        // gather needs a valid index everywhere; ignored positions read class 0 and are masked out below.
        NDArray safeLabels = shiftedLabels.mul(counted.toType(DataType.INT64, false)).expandDims(-1);
        NDArray nll = shiftedLogits.logSoftmax(-1).gather(safeLabels, 2).squeeze(-1).neg();
        return nll.mul(counted.toType(DataType.FLOAT32, false)).sum();
    }

    /** Number of labels that count toward the loss in a {@code [batch, seq]} label matrix. */
    public static long countedTokens(long[][] labels) {
        long n = 0;
        for (long[] row : labels) {
            for (int t = 1; t < row.length; t++) {
                if (row[t] != IGNORE_INDEX) {
                    n++;
                }
            }
        }
        return n;
    }
}
