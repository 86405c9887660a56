package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * Causal self-attention with grouped-query heads: {@code groupSize} query heads share each key/value
 * head. Scores are {@code q k^T / sqrt(headDim)} plus an additive mask, softmaxed in float32: by
 * libtorch's fused kernel for a whole sequence ({@link ScriptedOps#attention}, as transformers' sdpa),
 * by hand where a cache is extended.
 */
public final class Attention {
    Projection qProj;
    Projection kProj;
    Projection vProj;
    Projection oProj;
    private final RmsNorm qNorm;
    private final RmsNorm kNorm;
    private final int layer;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final float scale;

    public Attention(ModelConfig config, int layer, Projection qProj, Projection kProj, Projection vProj,
            Projection oProj, RmsNorm qNorm, RmsNorm kNorm) {
        this.qProj = qProj;
        this.kProj = kProj;
        this.vProj = vProj;
        this.oProj = oProj;
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.layer = layer;
        this.heads = config.numAttentionHeads();
        this.kvHeads = config.numKeyValueHeads();
        this.headDim = config.headDim();
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /**
     * @param x {@code [batch, seq, hidden]}
     * @param cosSin rotary tables for these positions
     * @param mask additive mask {@code [batch or 1, 1, seq, pastAndSeq]}, or null when every query sees every key
     * @param cache the layer's past keys and values, or null when the whole sequence is given
     */
    public NDArray forward(NDArray x, NDList cosSin, NDArray mask, RotaryEmbedding rope, KvCache cache) {
        long batch = x.getShape().get(0);
        long seq = x.getShape().get(1);
        NDArray q = heads(qProj.forward(x), batch, seq, heads, qNorm);
        NDArray k = heads(kProj.forward(x), batch, seq, kvHeads, kNorm);
        NDArray v = heads(vProj.forward(x), batch, seq, kvHeads, null);
        q = rope.apply(q, cosSin);
        k = rope.apply(k, cosSin);
        NDArray out;
        if (cache == null) {
            out = ScriptedOps.attention(q, k, v, mask, scale);
        } else {
            NDList kv = cache.append(layer, k, v);
            out = eager(q, kv.get(0), kv.get(1), mask);
        }
        return oProj.forward(out.transpose(0, 2, 1, 3).reshape(batch, seq, (long) heads * headDim));
    }

    /**
     * The attention by hand (scores, mask, softmax, values), for a pass that extends a cache: for a few
     * queries over cached grouped keys the fused kernel repeats the keys and values per query head and
     * is the slower (bench/README.md).
     *
     * @return {@code [batch, heads, seq, headDim]}
     */
    private NDArray eager(NDArray q, NDArray k, NDArray v, NDArray mask) {
        long batch = q.getShape().get(0);
        long seq = q.getShape().get(2);
        long keysLen = k.getShape().get(2);
        NDArray keysT = k.transpose(0, 1, 3, 2);
        // Ops on cached keys land on the cache's manager: move the view to this step's.
        keysT.attach(q.getManager());
        int group = heads / kvHeads;
        // Group query heads by their shared kv head instead of copying k and v `group` times.
        NDArray grouped = q.reshape(batch, kvHeads, group * seq, headDim);
        // Scaled in place, before the reshape (an in-place op on the view would cost the backward a copy).
        NDArray scores = grouped.matMul(keysT).muli(Tensors.scalar(q.getManager(), scale))
                .reshape(batch, heads, seq, keysLen);
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray probs = scores.softmax(-1).reshape(batch, kvHeads, group * seq, keysLen);
        return probs.matMul(v).reshape(batch, heads, seq, headDim);
    }

    /**
     * {@link #forward} for a decoding step or a prefill with the cache, in fewer native calls: the
     * same operations on the same numbers, with q/k/v fused where {@code d} fused them, the rotation
     * by {@link Decoding#rotate} (once over q and k together when fused), the step's keys written
     * into the cache in place, and no reshape or transpose that a single position makes needless. A
     * prefill into an empty cache uses the fused kernel.
     *
     * @param mask as for {@link #forward}; null when every query sees every key
     */
    NDArray decode(NDArray x, Decoding d, NDList cosSin, NDArray mask, KvCache cache) {
        long batch = x.getShape().get(0);
        long seq = x.getShape().get(1);
        NDArray q;
        NDArray k;
        NDArray v;
        NDArray qkv = d.qkv(layer, x);
        if (qkv != null) {
            // [batch, seq, (heads + 2 kvHeads) headDim] -> [batch, heads + 2 kvHeads, seq, headDim]; q and k
            // side by side are rotated at once, then split (views).
            long all = heads + 2L * kvHeads;
            NDArray split = seq == 1 ? qkv.reshape(batch, all, 1, headDim)
                    : qkv.reshape(batch, seq, all, headDim).transpose(0, 2, 1, 3);
            NDList qkAndV = split.split(new long[] {heads + kvHeads}, 1);
            NDList qAndK = d.rotate(qkAndV.get(0), cosSin).split(new long[] {heads}, 1);
            q = qAndK.get(0);
            k = qAndK.get(1);
            v = qkAndV.get(1);
        } else {
            q = d.rotate(decodeHeads(d.linear(qProj, x), batch, seq, heads, qNorm), cosSin);
            k = d.rotate(decodeHeads(d.linear(kProj, x), batch, seq, kvHeads, kNorm), cosSin);
            v = decodeHeads(d.linear(vProj, x), batch, seq, kvHeads, null);
        }
        if (seq > 1 && cache.length(layer) == 0) {
            // A prefill into an empty cache attends to its own keys only: the fused kernel, as forward.
            NDArray out = ScriptedOps.attention(q, k, v, mask, scale);
            cache.append(layer, k, v);
            return d.linear(oProj, out.transpose(0, 2, 1, 3).reshape(batch, seq, (long) heads * headDim));
        }
        NDList kv = cache.append(layer, k, v);
        long keysLen = kv.get(0).getShape().get(2);
        int group = heads / kvHeads;
        NDArray scores = q.reshape(batch, kvHeads, group * seq, headDim).matMul(kv.get(0).transpose(0, 1, 3, 2));
        NDArray probs;
        if (mask == null) {
            // Softmax is per row: the grouped layout needs no reshape to the heads' when nothing is added.
            probs = scores.mul(d.scale()).softmax(-1);
        } else {
            probs = scores.reshape(batch, heads, seq, keysLen).mul(d.scale()).add(mask).softmax(-1)
                    .reshape(batch, kvHeads, group * seq, keysLen);
        }
        NDArray out = probs.matMul(kv.get(1));
        out = seq == 1 ? out.reshape(batch, 1, (long) heads * headDim)
                : out.reshape(batch, heads, seq, headDim).transpose(0, 2, 1, 3).reshape(batch, seq, (long) heads * headDim);
        return d.linear(oProj, out);
    }

    /** {@link #heads}, by a reshape alone for a single position (nothing to transpose). */
    private NDArray decodeHeads(NDArray projected, long batch, long seq, int n, RmsNorm norm) {
        return seq == 1 && norm == null ? projected.reshape(batch, n, 1, headDim) : heads(projected, batch, seq, n, norm);
    }

    /** {@code [batch, seq, n*headDim]} to {@code [batch, n, seq, headDim]}, normalised per head if asked. */
    private NDArray heads(NDArray projected, long batch, long seq, int n, RmsNorm norm) {
        NDArray split = projected.reshape(new Shape(batch, seq, n, headDim));
        if (norm != null) {
            split = norm.forward(split);
        }
        return split.transpose(0, 2, 1, 3);
    }
}
