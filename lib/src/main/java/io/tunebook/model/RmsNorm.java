package io.tunebook.model;

import ai.djl.ndarray.NDArray;

/** Root-mean-square layer norm: {@code x / sqrt(mean(x^2) + eps) * weight}, over the last axis. */
public final class RmsNorm {
    private final NDArray weight;
    private final float eps;

    public RmsNorm(NDArray weight, double eps) {
        this.weight = weight;
        this.eps = (float) eps;
    }

    public NDArray forward(NDArray x) {
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.div(variance.add(eps).sqrt()).mul(weight);
    }

    /**
     * {@link #forward} with epsilon given as a float32 scalar array made once: adding a Java float
     * creates (and frees) an array per call, two native calls a norm that a decoding step feels.
     */
    NDArray forward(NDArray x, NDArray epsilon) {
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.div(variance.add(epsilon).sqrt()).mul(weight);
    }

    public NDArray weight() {
        return weight;
    }
}
