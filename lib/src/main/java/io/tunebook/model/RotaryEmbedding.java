package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Rotary position embedding in the "rotate half" layout of Hugging Face models: the first and
 * second halves of each head are the two coordinates of each rotated pair.
 */
public final class RotaryEmbedding {
    private final NDArray inverseFrequencies;
    private final int half;

    public RotaryEmbedding(NDManager manager, ModelConfig config) {
        float[] inv = config.ropeScaling().inverseFrequencies(config.headDim(), config.ropeTheta());
        this.inverseFrequencies = Tensors.of(manager, inv, new ai.djl.ndarray.types.Shape(inv.length));
        this.half = inv.length;
    }

    /** cos and sin for each position, shaped {@code [batch, 1, seq, headDim]} to broadcast over heads. */
    public NDList cosSin(NDArray positionIds) {
        NDArray freqs = positionIds.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                .expandDims(-1).mul(inverseFrequencies);
        NDArray angles = NDArrays.concat(new NDList(freqs, freqs), -1).expandDims(1);
        return new NDList(angles.cos(), angles.sin());
    }

    /** Rotates {@code x} of shape {@code [batch, heads, seq, headDim]}. */
    public NDArray apply(NDArray x, NDList cosSin) {
        NDArray x1 = x.get("..., :" + half);
        NDArray x2 = x.get("..., " + half + ":");
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
        return x.mul(cosSin.get(0)).add(rotated.mul(cosSin.get(1)));
    }
}
