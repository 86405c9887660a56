package io.tunebook.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunebook.data.TokenizedExample;
import io.tunebook.model.Autograd;
import io.tunebook.model.Linear;
import io.tunebook.model.ScriptedOps;
import io.tunebook.model.Tensors;
import io.tunebook.model.Transformer;
import java.util.Arrays;

/**
 * Next-token cross-entropy as transformers computes it: position t predicts label t+1, and labels
 * of {@value #IGNORE_INDEX} (prompt, padding) are left out.
 */
public final class CausalLmLoss {
    /** Label value that contributes no loss, as in PyTorch's cross-entropy. */
    public static final long IGNORE_INDEX = TokenizedExample.IGNORE_INDEX;

    /**
     * Logits computed at once by {@link #chunked}: 2^24 floats (64 MiB) per chunk of positions,
     * whatever the vocabulary, so the loss never holds {@code batch × seq × vocab} logits (2 GiB for
     * one 4k-token row of Llama 3's 128k vocabulary).
     */
    public static final long LOGITS_PER_CHUNK = 1L << 24;

    private CausalLmLoss() {
    }

    /**
     * {@link #sum}{@code (transformer.logits(hidden), labels) × scale}, computed from the final
     * hidden states a chunk of positions at a time and only at positions whose next label counts
     * (a prompt's positions cost nothing). With {@code backward}, each chunk's scaled loss is
     * back-propagated before the next chunk is computed, so gradients reach {@code hidden} (make it
     * a leaf that requires a gradient) and any trainable head, and a chunk's logits are freed with
     * its graph. Without it this is an evaluation: no graph is kept.
     *
     * @param hidden {@code [batch, seq, hiddenSize]} after the final norm
     * @param labels {@code [batch][seq]}, {@value #IGNORE_INDEX} where nothing is predicted
     * @return the scaled summed negative log-likelihood
     */
    public static double chunked(Transformer transformer, NDArray hidden, long[][] labels, float scale,
            boolean backward) {
        return chunked(transformer, hidden, labels, scale, backward, LOGITS_PER_CHUNK);
    }

    /** {@link #chunked} with another chunk size (tests use small ones to cross chunk boundaries). */
    static double chunked(Transformer transformer, NDArray hidden, long[][] labels, float scale, boolean backward,
            long logitsPerChunk) {
        float[] rowScale = new float[labels.length];
        Arrays.fill(rowScale, scale);
        return chunked(transformer, hidden, labels, rowScale, backward, logitsPerChunk, null);
    }

    /**
     * {@link #chunked} with a scale per batch row: the result is {@code Σ_b rowScale[b] · nll_b}, where
     * nll_b is the summed negative log-likelihood of row b, and its gradient is back-propagated with
     * {@code backward}. Sequence-level objectives (DPO, ORPO) are functions of the nll_b: their
     * gradient is this one with {@code rowScale} set to their derivatives. Given {@code rowNll}, each
     * row's unscaled nll_b is added to it.
     */
    static double chunked(Transformer transformer, NDArray hidden, long[][] labels, float[] rowScale, boolean backward,
            long logitsPerChunk, double[] rowNll) {
        int batch = labels.length;
        int seq = labels.length == 0 ? 0 : labels[0].length;
        long size = hidden.getShape().get(2);
        long[] rows = new long[batch * Math.max(0, seq - 1)];
        long[] targets = new long[rows.length];
        float[] weights = new float[rows.length];
        int[] rowOf = new int[rows.length];
        int n = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t + 1 < seq; t++) {
                if (labels[b][t + 1] != IGNORE_INDEX) {
                    rows[n] = (long) b * seq + t;
                    rowOf[n] = b;
                    weights[n] = rowScale[b];
                    targets[n++] = labels[b][t + 1];
                }
            }
        }
        int chunk = (int) Math.max(1, logitsPerChunk / transformer.config().vocabSize());
        Linear frozen = transformer.lmHead() instanceof Linear l && !l.weight().hasGradient() && l.bias().isEmpty()
                ? l : null;
        double total = 0;
        for (int start = 0; start < n; start += chunk) {
            int len = Math.min(chunk, n - start);
            try (NDManager m = hidden.getManager().newSubManager()) {
                // Everything the chunk computes lands on m (ops follow their first operand's manager).
                hidden.tempAttach(m);
                NDArray at = Tensors.of(m, Arrays.copyOfRange(rows, start, start + len), new Shape(len));
                NDArray picked = hidden.reshape(-1, size).get(at);
                NDArray next = Tensors.of(m, Arrays.copyOfRange(targets, start, start + len), new Shape(len, 1));
                NDArray w = Tensors.of(m, Arrays.copyOfRange(weights, start, start + len), new Shape(len, 1));
                NDArray nll;
                if (frozen != null) {
                    nll = frozenHead(frozen, picked, next, w, backward, logitsPerChunk);
                } else {
                    NDArray logits = transformer.logits(picked);
                    NDArray logProbs = logits.logSoftmax(-1);
                    logits.close(); // the log-softmax's backward needs its output only: one logit-sized array less
                    nll = logProbs.gather(next, 1).neg();
                    NDArray loss = nll.mul(w).sum();
                    if (backward) {
                        Autograd.backward(loss, null);
                    }
                }
                float[] values = nll.toFloatArray();
                for (int i = 0; i < len; i++) {
                    total += (double) values[i] * weights[start + i];
                    if (rowNll != null) {
                        rowNll[rowOf[start + i]] += values[i];
                    }
                }
            }
        }
        return total;
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

    /**
     * The negative log-likelihood of each position of one chunk through a frozen head, with its gradient computed by hand
     * ({@code (softmax - onehot) · scale} times the weight) and pushed into {@code picked}: autograd
     * would keep a float32 copy of the whole head (1 GiB for a 16-bit 128k × 2048 embedding) until
     * the chunk's backward, whereas here the weight is read in slices of {@code logitsPerChunk}
     * values, each upcast only while it is used.
     */
    private static NDArray frozenHead(Linear head, NDArray picked, NDArray next, NDArray scale, boolean backward,
            long logitsPerChunk) {
        NDManager m = picked.getManager();
        NDArray weight = head.weight();
        long vocab = weight.getShape().get(0);
        long slice = Math.max(1, logitsPerChunk / weight.getShape().get(1));
        NDArray gradInput = null;
        NDArray nll;
        try (Autograd.Scope off = Autograd.paused()) {
            NDArray x = picked.stopGradient();
            NDList parts = new NDList();
            for (long v = 0; v < vocab; v += slice) {
                try (NDManager s = m.newSubManager()) {
                    NDArray logits = x.matMul(slice(weight, v, Math.min(vocab, v + slice), s).transpose());
                    logits.attach(m);
                    parts.add(logits);
                }
            }
            // Each logit-sized array is closed as soon as the next exists, and the gradient is made in
            // place: two at a time instead of six, at the moment every layer's activations are held.
            NDArray logits = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
            NDArray logProbs = logits.logSoftmax(-1);
            parts.close();
            logits.close();
            nll = logProbs.gather(next, 1).neg();
            if (!backward) {
                return nll;
            }
            NDArray gradLogits = ScriptedOps.expInPlace(logProbs); // no third logit-sized array
            // softmax − onehot: 1 is taken off at each row's label alone, in place (a one-hot matrix
            // would be one more logit-sized array, filled, then subtracted in a full pass).
            try (NDManager s = m.newSubManager()) {
                NDArray rowsAt = attached(m.arange((int) next.getShape().get(0)).toType(DataType.INT64, false), s);
                NDArray labelsAt = attached(next.squeeze(-1), s);
                NDIndex atLabels = new NDIndex("{}, {}", rowsAt, labelsAt);
                gradLogits.set(atLabels, attached(attached(gradLogits.get(atLabels), s).sub(1f), s));
            }
            gradLogits.muli(scale);
            for (long v = 0; v < vocab; v += slice) {
                try (NDManager s = m.newSubManager()) {
                    long end = Math.min(vocab, v + slice);
                    // A slice of the whole vocabulary is the array itself (get would copy it).
                    NDArray columns = v == 0 && end == vocab ? gradLogits : gradLogits.get(":, " + v + ":" + end);
                    NDArray part = columns.matMul(slice(weight, v, end, s));
                    NDArray sum = gradInput == null ? part : gradInput.add(part);
                    sum.attach(m);
                    gradInput = sum;
                }
            }
        }
        Autograd.backward(picked, gradInput);
        return nll;
    }

    private static NDArray attached(NDArray array, NDManager m) {
        array.attach(m);
        return array;
    }

    /** Rows {@code [from, to)} of a head weight in float32 on {@code s} (a view when already float32). */
    private static NDArray slice(NDArray weight, long from, long to, NDManager s) {
        NDArray rows = weight.get(from + ":" + to);
        rows.attach(s);
        if (rows.getDataType() == DataType.FLOAT32) {
            return rows;
        }
        NDArray wide = rows.toType(DataType.FLOAT32, false);
        wide.attach(s);
        return wide;
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
