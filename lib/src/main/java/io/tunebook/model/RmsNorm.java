package io.tunebook.model;

import ai.djl.ndarray.NDArray;

/**
 * Root-mean-square layer norm: {@code x · rsqrt(mean(x²) + eps) · weight}, over the last axis, as
 * transformers' {@code LlamaRMSNorm} computes it (the normalization is one scripted call, {@link ScriptedOps}).
 */
public final class RmsNorm {
    private final NDArray weight;
    private final double eps;

    public RmsNorm(NDArray weight, double eps) {
        this.weight = weight;
        this.eps = eps;
    }

    public NDArray forward(NDArray x) {
        return ScriptedOps.rmsNormalize(x, eps).mul(weight);
    }

    public NDArray weight() {
        return weight;
    }
}
