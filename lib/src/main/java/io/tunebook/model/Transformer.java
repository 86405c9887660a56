package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The decoder-only transformer shared by Llama, Mistral, Qwen2 and Qwen3: token embedding, a stack
 * of {@link DecoderLayer}s, a final RMSNorm and the language-model head.
 *
 * <p>What a forward pass returns lives on the manager of its input ids; each layer's intermediates
 * are freed as the layer returns ({@link #layerAlone}), so a pass holds one layer's transients at a
 * time, as PyTorch does, not every layer's until the caller closes its manager.
 */
public final class Transformer {
    /**
     * Which sequence of operations tunebook's own code computes the model with, as far as rounding
     * goes: a change that alters results in their last bits (not in meaning) takes the next number,
     * so that {@code tunebook verify} compares runs recorded before it within its tolerance instead
     * of bit for bit. 2: SiLU, RMSNorm's normalization and a whole sequence's attention as libtorch's
     * own ops ({@link ScriptedOps}), LoRA's scaling applied at rank width.
     */
    public static final String KERNELS = "2";

    private final ModelConfig config;
    private final NDArray embedTokens;
    private final List<DecoderLayer> layers;
    private final RmsNorm norm;
    private Projection lmHead;
    private final RotaryEmbedding rope;
    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> parametersView;
    private final Map<String, Projection> prebuilt;

    /**
     * @param projections layers built while loading (quantized ones), by module path; every other
     *     projection is a dense {@link Linear} over {@code parameters}
     */
    Transformer(ModelConfig config, NDManager manager, Map<String, NDArray> parameters,
            Map<String, Projection> projections) {
        this.config = config;
        this.prebuilt = Map.copyOf(projections);
        this.parameters = new LinkedHashMap<>(parameters);
        this.parametersView = Collections.unmodifiableMap(this.parameters);
        this.embedTokens = param("model.embed_tokens.weight");
        this.rope = new RotaryEmbedding(manager, config);
        this.layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(layer(i));
        }
        this.norm = new RmsNorm(param("model.norm.weight"), config.rmsNormEps());
        this.lmHead = prebuilt.containsKey("lm_head") ? prebuilt.get("lm_head")
                : new Linear("lm_head", config.tieWordEmbeddings() ? embedTokens : param("lm_head.weight"), null);
    }

    private DecoderLayer layer(int i) {
        String p = "model.layers." + i + ".";
        String a = p + "self_attn.";
        boolean qkNorm = config.architecture().qkNorm();
        Attention attention = new Attention(config, i,
                linear(a + "q_proj", config.attentionBias()),
                linear(a + "k_proj", config.attentionBias()),
                linear(a + "v_proj", config.attentionBias()),
                linear(a + "o_proj", false),
                qkNorm ? new RmsNorm(param(a + "q_norm.weight"), config.rmsNormEps()) : null,
                qkNorm ? new RmsNorm(param(a + "k_norm.weight"), config.rmsNormEps()) : null);
        boolean bias = config.mlpBias();
        Mlp mlp = new Mlp(linear(p + "mlp.gate_proj", bias), linear(p + "mlp.up_proj", bias),
                linear(p + "mlp.down_proj", bias));
        return new DecoderLayer(attention, mlp,
                new RmsNorm(param(p + "input_layernorm.weight"), config.rmsNormEps()),
                new RmsNorm(param(p + "post_attention_layernorm.weight"), config.rmsNormEps()));
    }

    private Projection linear(String name, boolean bias) {
        Projection built = prebuilt.get(name);
        if (built != null) {
            return built;
        }
        return new Linear(name, param(name + ".weight"), bias ? param(name + ".bias") : null);
    }

    private NDArray param(String name) {
        NDArray p = parameters.get(name);
        if (p == null) {
            throw new ModelException("missing tensor '" + name + "'");
        }
        return p;
    }

    public ModelConfig config() {
        return config;
    }

    /**
     * All dense weights in Hugging Face naming and file order; a tied lm_head is not listed
     * twice, and weights released to a replacement layer (quantization) are no longer listed.
     */
    public Map<String, NDArray> parameters() {
        return parametersView;
    }

    /**
     * Removes a weight that no module reads any more (a projection replaced by a quantized copy)
     * and returns it for the caller to close, or null if there is none by that name.
     */
    public NDArray releaseParameter(String name) {
        return parameters.remove(name);
    }

    /**
     * Runs the decoder stack and returns the final hidden states {@code [batch, seq, hidden]}.
     *
     * @param inputIds {@code [batch, seq]} int64 token ids
     * @param positionIds {@code [batch, seq]} positions, or null for {@code past .. past+seq-1}
     * @param paddingMask {@code [batch, past+seq]} with 1 for real tokens and 0 for padding, or null
     * @param cache past keys and values (extended in place), or null to attend within {@code inputIds} only
     */
    public NDArray hiddenStates(NDArray inputIds, NDArray positionIds, NDArray paddingMask, KvCache cache) {
        NDManager m = inputIds.getManager();
        int past = cache == null ? 0 : cache.length();
        long seq = inputIds.getShape().get(1);
        if (positionIds == null) {
            positionIds = m.arange(past, (int) (past + seq)).toType(DataType.INT64, false).expandDims(0);
        }
        // One new token with nothing padded sees every cached key (within the window, if any): a mask
        // would add zeros, so none is built. This is the common decoding step.
        boolean seesAll = seq == 1 && paddingMask == null
                && (config.slidingWindow().isEmpty() || past < config.slidingWindow().getAsInt());
        return decode(inputIds, positionIds, seesAll ? null : attentionMask(m, past, seq, paddingMask), cache);
    }

    private NDArray decode(NDArray inputIds, NDArray positionIds, NDArray mask, KvCache cache) {
        NDArray x = embed(inputIds);
        NDList cosSin = rope.cosSin(positionIds);
        for (DecoderLayer layer : layers) {
            x = alone(x, true, in -> layer.forward(in, cosSin, mask, rope, cache));
        }
        return norm.forward(x);
    }

    /**
     * What every layer of one pass shares: the rotary tables of its positions and its additive
     * attention mask. Built once per batch on the ids' manager.
     */
    public record LayerContext(NDList cosSin, NDArray mask) {
    }

    /**
     * The context of a training pass over {@code inputIds}, for callers that run the layers one by
     * one ({@link #embed}, {@link #layer}, {@link #finalNorm}), as gradient checkpointing does.
     *
     * @param positionIds {@code [batch, seq]} positions, or null for {@code 0 .. seq-1}
     * @param segmentIds {@code [batch, seq]} for packed rows (attention stays within a segment), or null
     */
    public LayerContext context(NDArray inputIds, NDArray positionIds, NDArray segmentIds) {
        NDManager m = inputIds.getManager();
        long batch = inputIds.getShape().get(0);
        long seq = inputIds.getShape().get(1);
        if (positionIds == null) {
            positionIds = m.arange(0, (int) seq).toType(DataType.INT64, false).expandDims(0);
        }
        NDArray mask;
        if (segmentIds == null) {
            mask = attentionMask(m, 0, seq, null);
        } else {
            NDArray sameSequence = segmentIds.reshape(batch, seq, 1).eq(segmentIds.reshape(batch, 1, seq));
            mask = additive(causal(m, 0, seq).reshape(1, seq, seq).logicalAnd(sameSequence).reshape(batch, 1, seq, seq));
        }
        return new LayerContext(rope.cosSin(positionIds), mask);
    }

    /** Token embeddings {@code [batch, seq, hidden]} of {@code [batch, seq]} ids. */
    public NDArray embed(NDArray inputIds) {
        NDArray x = inputIds.getNDArrayInternal().embedding(inputIds, embedTokens, SparseFormat.DENSE)
                .singletonOrThrow();
        if (x.getDataType() != DataType.FLOAT32) {
            // A 16-bit table: activations are float32. The cast records no gradient, which is
            // right here because a 16-bit table is frozen and nothing before it trains.
            x = x.toType(DataType.FLOAT32, false);
        }
        return x;
    }

    DecoderLayer decoderLayer(int index) {
        return layers.get(index);
    }

    /** The token embedding table {@code [vocab, hidden]}. */
    NDArray embedTokens() {
        return embedTokens;
    }

    /** The norm after the last layer. */
    RmsNorm finalNorm() {
        return norm;
    }

    /** What a decoder builds once for this model's steps (see {@link Decoding}); the caller closes it. */
    Decoding decoding(NDManager manager) {
        return decoding(manager, ScriptedStep.BF16_COPIES);
    }

    /**
     * Bytes of weights one batch-1 decoding step reads, as the decoder holds them (16-bit weights two
     * a number, the embedding one row). Memory bandwidth over this is the most tokens a second
     * batch-1 decoding can make (bench's weights_read).
     */
    public long decodingWeightBytes() {
        try (NDManager m = embedTokens.getManager().newSubManager(); Decoding d = decoding(m)) {
            return d.weightBytes(this);
        }
    }

    /** {@link #decoding(NDManager)}, saying whether its scripted step may read bfloat16 copies of exact weights. */
    Decoding decoding(NDManager manager, boolean bf16Copies) {
        return decoding(manager, bf16Copies, ScriptedStep.CHUNK_FLOATS);
    }

    /** {@link #decoding(NDManager, boolean)} whose scripted step upcasts 16-bit weights {@code partFloats} at a time on one thread. */
    Decoding decoding(NDManager manager, boolean bf16Copies, long partFloats) {
        return new Decoding(this, rope, manager, bf16Copies, partFloats, DECODING_COPIES_MAX_BYTES);
    }

    /**
     * The most bytes of float32 copies a decoder makes for its one-row products (fused q/k/v and
     * gate/up as contiguous {@code [in, out]}, and a head wider than long; see {@code Decoding}): all
     * of them up to this, none past it, where it reads the model's own weights one by one. The copies
     * take tiny-base's batch-1 step from 3.7-4.3 to 2.3-3.3 ms and mid-100m's from 28.5-33.3 to
     * 21.3-25.6 ms (bench/README.md), for 19 and 261 MB. A real model held in float32 would copy
     * most of its weights: Qwen2.5-0.5B 1.5 GB (its weights are 2.0 GB), Llama-3.1-8B 20 GB. A 16-bit
     * model is never copied.
     */
    public static final long DECODING_COPIES_MAX_BYTES = 512L << 20;

    /**
     * {@link #hiddenStates} for a prefill or a decoding step with the cache, through {@code d}: the
     * same numbers in fewer native calls, masked as {@link #decodingMask} says.
     *
     * @param cosSin the rotary tables of these positions ({@link Decoding#cosSin})
     * @param leftPadding padded positions at the left of each row (past and new ones), or null when none is
     */
    NDArray decodeHiddenStates(NDArray inputIds, NDList cosSin, int[] leftPadding, KvCache cache, Decoding d) {
        int batch = (int) inputIds.getShape().get(0);
        int seq = (int) inputIds.getShape().get(1);
        NDArray mask = decodingMask(inputIds.getManager(), cache.length(), batch, seq, leftPadding);
        NDArray x = embed(inputIds);
        for (int i = 0; i < layers.size(); i++) {
            int index = i;
            x = alone(x, true, in -> layers.get(index).decode(in, d, index, cosSin, mask, cache));
        }
        return norm.forward(x, d.epsilon());
    }

    /**
     * The additive mask of a prefill or decoding step over {@code past} cached positions, on {@code m}:
     * null for a single new token whose rows are not padded (it sees every key), straight from the host
     * for a single token of padded rows (no causal part to add), causal and padding otherwise.
     *
     * @param leftPadding padded positions at the left of each row (past and new ones), or null when none is
     */
    NDArray decodingMask(NDManager m, int past, int batch, int seq, int[] leftPadding) {
        int keys = past + seq;
        boolean windowCuts = config.slidingWindow().isPresent() && keys > config.slidingWindow().getAsInt();
        NDArray mask = null;
        if (seq == 1 && !windowCuts) {
            if (leftPadding != null) {
                float[] additive = new float[batch * keys];
                for (int b = 0; b < batch; b++) {
                    // As additive(): (0 - 1) * Float.MAX_VALUE where the key is padding, 0 elsewhere.
                    java.util.Arrays.fill(additive, b * keys, b * keys + leftPadding[b], -Float.MAX_VALUE);
                }
                mask = Tensors.of(m, additive, new ai.djl.ndarray.types.Shape(batch, 1, 1, keys));
            }
        } else {
            NDArray padding = null;
            if (leftPadding != null) {
                long[] ones = new long[batch * keys];
                for (int b = 0; b < batch; b++) {
                    java.util.Arrays.fill(ones, b * keys + leftPadding[b], (b + 1) * keys, 1);
                }
                padding = Tensors.of(m, ones, new ai.djl.ndarray.types.Shape(batch, keys));
            }
            mask = attentionMask(m, past, seq, padding);
        }
        return mask;
    }

    public int layerCount() {
        return layers.size();
    }

    /** Decoder layer {@code index} on {@code x}; its intermediates land on x's manager. */
    public NDArray layer(int index, NDArray x, LayerContext context) {
        return layers.get(index).forward(x, context.cosSin(), context.mask(), rope, null);
    }

    /**
     * {@link #layer}, its output on x's manager, the handles of the layer's intermediates closed when it
     * returns. DJL keeps an array's storage for as long as its handle is open, so a pass that left them
     * on its manager held every layer's attention scores (three arrays of {@code batch × heads × seq²}
     * each) and MLP products until the caller closed it: the forward of mid-100m at 4 × 512 peaked at
     * 5.3 GB against 3.0 for a whole LoRA step (bench/README.md). With autograd off they are garbage;
     * recording, autograd holds what the backward needs itself (PyTorch frees the rest at once). With
     * {@code consume}, x is closed with them (the caller needs it no more; autograd may).
     */
    public NDArray layerAlone(int index, NDArray x, LayerContext context, boolean consume) {
        return alone(x, consume, in -> layer(index, in, context));
    }

    private static NDArray alone(NDArray x, boolean consume, UnaryOperator<NDArray> layer) {
        NDManager m = x.getManager();
        try (NDManager scope = m.newSubManager()) {
            if (consume) {
                x.attach(scope);
            } else {
                x.tempAttach(scope);
            }
            NDArray out = layer.apply(x);
            out.attach(m);
            return out;
        }
    }

    /** The final RMSNorm, between the last layer and the head. */
    public NDArray finalNorm(NDArray x) {
        return norm.forward(x);
    }

    /** The language-model head's module: a {@link Linear}, or what wraps or replaced it. */
    public Projection lmHead() {
        return lmHead;
    }

    /** Language-model head: hidden states to vocabulary logits. */
    public NDArray logits(NDArray hidden) {
        return lmHead.forward(hidden);
    }

    /** Logits for every position: {@code [batch, seq, vocab]}. */
    public NDArray forward(NDArray inputIds, NDArray positionIds, NDArray paddingMask, KvCache cache) {
        return logits(hiddenStates(inputIds, positionIds, paddingMask, cache));
    }

    /**
     * Logits for packed rows, several sequences laid end to end in each row: a token attends only
     * to the earlier tokens of its own sequence (a block-diagonal causal mask), and positions restart
     * at 0 with each sequence, so every sequence gets the logits it would get alone.
     *
     * @param positionIds {@code [batch, seq]} position of each token within its sequence
     * @param segmentIds {@code [batch, seq]} which sequence of the row each token belongs to
     */
    public NDArray forwardPacked(NDArray inputIds, NDArray positionIds, NDArray segmentIds) {
        LayerContext context = context(inputIds, positionIds, segmentIds);
        NDArray x = embed(inputIds);
        for (int i = 0; i < layers.size(); i++) {
            x = layerAlone(i, x, context, true);
        }
        return logits(finalNorm(x));
    }

    /**
     * Additive mask {@code [batch or 1, 1, seq, past+seq]}: 0 where a query may attend, the most
     * negative float elsewhere (as transformers does, so fully masked padding rows stay finite).
     */
    private NDArray attentionMask(NDManager m, int past, long seq, NDArray paddingMask) {
        long keys = past + seq;
        NDArray allowed = causal(m, past, seq).reshape(1, 1, seq, keys);
        if (paddingMask != null) {
            long batch = paddingMask.getShape().get(0);
            allowed = allowed.logicalAnd(paddingMask.reshape(batch, 1, 1, keys).toType(DataType.BOOLEAN, false));
        }
        return additive(allowed);
    }

    /** {@code [seq, past+seq]}: query {@code past+i} may see key j when j is not later, and within the sliding window. */
    private NDArray causal(NDManager m, int past, long seq) {
        long keys = past + seq;
        NDArray queryPos = m.arange(past, (int) keys).reshape(seq, 1);
        NDArray keyPos = m.arange(0, (int) keys).reshape(1, keys);
        NDArray allowed = keyPos.lte(queryPos);
        if (config.slidingWindow().isPresent()) {
            allowed = allowed.logicalAnd(queryPos.sub(keyPos).lt(config.slidingWindow().getAsInt()));
        }
        return allowed;
    }

    private static NDArray additive(NDArray allowed) {
        return allowed.toType(DataType.FLOAT32, false).sub(1f).mul(Float.MAX_VALUE);
    }

    /**
     * Replaces every linear module (attention, MLP and lm_head) by what {@code wrap} returns for it;
     * this is how adapters are injected and removed.
     */
    public void replaceProjections(UnaryOperator<Projection> wrap) {
        for (DecoderLayer layer : layers) {
            Attention a = layer.attention;
            a.qProj = wrap.apply(a.qProj);
            a.kProj = wrap.apply(a.kProj);
            a.vProj = wrap.apply(a.vProj);
            a.oProj = wrap.apply(a.oProj);
            Mlp mlp = layer.mlp;
            mlp.gateProj = wrap.apply(mlp.gateProj);
            mlp.upProj = wrap.apply(mlp.upProj);
            mlp.downProj = wrap.apply(mlp.downProj);
        }
        lmHead = wrap.apply(lmHead);
    }
}
