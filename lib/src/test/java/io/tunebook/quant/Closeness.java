package io.tunebook.quant;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tensors;

/**
 * How far a model's logits moved from a reference's on the same ids: mean KL(reference || other)
 * per position in nats, relative L2 error of the logits, and the share of positions whose argmax
 * is kept. For quantized bases against dense ones, here and in the command-line tests.
 */
public record Closeness(double kl, double relativeError, double top1) {

    /** The logits of one sequence of ids, flat {@code [ids, vocab]}. */
    public static float[] logits(CausalLM model, long[] ids) {
        try (NDManager m = model.manager().newSubManager()) {
            return model.transformer().forward(Tensors.of(m, ids, new Shape(1, ids.length)), null, null, null)
                    .toFloatArray();
        }
    }

    /** @param reference flat {@code [positions, vocab]} logits, {@code other} the same shape */
    public static Closeness of(float[] reference, float[] other, int vocab) {
        if (reference.length != other.length || reference.length % vocab != 0) {
            throw new IllegalArgumentException(reference.length + " vs " + other.length + " logits of vocab " + vocab);
        }
        double kl = 0;
        double diff = 0;
        double norm = 0;
        int agree = 0;
        int positions = reference.length / vocab;
        for (int t = 0; t < positions; t++) {
            double[] p = logSoftmax(reference, t * vocab, vocab);
            double[] q = logSoftmax(other, t * vocab, vocab);
            int argP = 0;
            int argQ = 0;
            for (int v = 0; v < vocab; v++) {
                kl += Math.exp(p[v]) * (p[v] - q[v]);
                double d = reference[t * vocab + v] - other[t * vocab + v];
                diff += d * d;
                norm += reference[t * vocab + v] * (double) reference[t * vocab + v];
                argP = p[v] > p[argP] ? v : argP;
                argQ = q[v] > q[argQ] ? v : argQ;
            }
            agree += argP == argQ ? 1 : 0;
        }
        return new Closeness(kl / positions, Math.sqrt(diff / norm), (double) agree / positions);
    }

    private static double[] logSoftmax(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(x[off + i] - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = x[off + i] - log;
        }
        return out;
    }
}
