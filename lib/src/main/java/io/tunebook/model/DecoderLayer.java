package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** One pre-norm transformer block: {@code x + attn(norm(x))}, then {@code x + mlp(norm(x))}. */
public final class DecoderLayer {
    final Attention attention;
    final Mlp mlp;
    private final RmsNorm inputNorm;
    private final RmsNorm postAttentionNorm;

    public DecoderLayer(Attention attention, Mlp mlp, RmsNorm inputNorm, RmsNorm postAttentionNorm) {
        this.attention = attention;
        this.mlp = mlp;
        this.inputNorm = inputNorm;
        this.postAttentionNorm = postAttentionNorm;
    }

    public NDArray forward(NDArray x, NDList cosSin, NDArray mask, RotaryEmbedding rope, KvCache cache) {
        NDArray h = x.add(attention.forward(inputNorm.forward(x), cosSin, mask, rope, cache));
        return h.add(mlp.forward(postAttentionNorm.forward(h)));
    }

    /** {@link #forward} for decoding with the cache, through {@code d} (see {@link Attention#decode}). */
    NDArray decode(NDArray x, Decoding d, int index, NDList cosSin, NDArray mask, KvCache cache) {
        NDArray h = x.add(attention.decode(inputNorm.forward(x, d.epsilon()), d, cosSin, mask, cache));
        return h.add(mlp.decode(postAttentionNorm.forward(h, d.epsilon()), d, index));
    }

    RmsNorm inputNorm() {
        return inputNorm;
    }

    RmsNorm postAttentionNorm() {
        return postAttentionNorm;
    }
}
