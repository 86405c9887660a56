package io.tunebook.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tensors;
import io.tunebook.train.CausalLmLoss;
import java.util.List;

/**
 * Log-likelihood of the labelled tokens of each row under a causal LM: position t predicts label
 * t+1, labels of {@link CausalLmLoss#IGNORE_INDEX} are left out. Rows of a batch are padded on the
 * right, which a causal model never looks at, so scores do not depend on the batch.
 */
final class SequenceScorer {
    private SequenceScorer() {
    }

    /** One {@code {sum of log-probabilities, number of labelled tokens}} per row. */
    static double[][] score(CausalLM model, List<long[]> ids, List<long[]> labels, int batchSize) {
        if (ids.size() != labels.size()) {
            throw new IllegalArgumentException("need as many label rows as id rows, got " + labels.size() + " and " + ids.size());
        }
        int maxPositions = model.config().maxPositionEmbeddings();
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i).length != labels.get(i).length || ids.get(i).length < 2) {
                throw new IllegalArgumentException("row " + i + ": ids and labels must have the same length, at least 2");
            }
            if (ids.get(i).length > maxPositions) {
                throw new IllegalArgumentException("row " + i + " has " + ids.get(i).length
                        + " tokens, more than the model's max_position_embeddings " + maxPositions);
            }
        }
        double[][] out = new double[ids.size()][];
        for (int start = 0; start < ids.size(); start += batchSize) {
            int end = Math.min(ids.size(), start + batchSize);
            scoreBatch(model, ids.subList(start, end), labels.subList(start, end), out, start);
        }
        return out;
    }

    private static void scoreBatch(CausalLM model, List<long[]> ids, List<long[]> labels, double[][] out, int offset) {
        int rows = ids.size();
        int len = ids.stream().mapToInt(r -> r.length).max().orElseThrow();
        long[] input = new long[rows * len];
        long[] next = new long[rows * (len - 1)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(ids.get(r), 0, input, r * len, ids.get(r).length);
            long[] lab = labels.get(r);
            for (int t = 1; t < lab.length; t++) {
                // gather needs a valid index everywhere; unlabelled positions read class 0 and are skipped below.
                next[r * (len - 1) + t - 1] = lab[t] == CausalLmLoss.IGNORE_INDEX ? 0 : lab[t];
            }
        }
        float[] logProbs;
        try (NDManager step = model.manager().newSubManager()) {
            NDArray x = Tensors.of(step, input, new Shape(rows, len));
            NDArray logits = model.transformer().forward(x, null, null, null);
            NDArray targets = Tensors.of(step, next, new Shape(rows, len - 1, 1));
            logProbs = logits.get(":, :-1, :").logSoftmax(-1).gather(targets, 2).toFloatArray();
        }
        for (int r = 0; r < rows; r++) {
            long[] lab = labels.get(r);
            double sum = 0;
            int count = 0;
            for (int t = 1; t < lab.length; t++) {
                if (lab[t] != CausalLmLoss.IGNORE_INDEX) {
                    sum += logProbs[r * (len - 1) + t - 1];
                    count++;
                }
            }
            out[offset + r] = new double[] {sum, count};
        }
    }
}
