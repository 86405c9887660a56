package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link BatchDecoder} builds once and every decoding step reuses, so that a step of a small
 * model costs few native calls (on tiny-base a batch-1 step was about 400 operators, most of them
 * per-call overhead rather than arithmetic; bench/README.md, issue 17):
 *
 * <ul>
 *   <li>the rotary tables of every position up to the longest sequence, sliced (or gathered, for rows
 *       at different positions) per step instead of recomputed;
 *   <li>the rotate-half permutation as a {@code [headDim, headDim]} matrix of 0 and ±1, so that
 *       rotating the queries and keys is one exact matmul instead of two slices, a negation and a
 *       concatenation;
 *   <li>q, k and v fused into one weight per layer, and gate and up into another, where they are
 *       plain float32 {@link Linear}s (an adapter or a quantized base keeps its own projections, and
 *       a 16-bit one its own weights); the fused weights are copies, held for the decoder's lifetime
 *       as contiguous {@code [in, out]}, and so is the head's weight when it is wider than long (see
 *       {@link #heldSideBySide} for why), up to {@link Transformer#DECODING_COPIES_MAX_BYTES} in all;
 *   <li>the transposed view of every other plain float32 (or float16) weight, so that a projection
 *       is one matmul (a {@link Linear} call transposes its weight each time);
 *   <li>the constant scalars (the attention scale, the norms' epsilon);
 *   <li>where every projection is a plain layer held in float32 or float16, the whole step (a prefill
 *       or one token a row) as one TorchScript call ({@link ScriptedStep}): about a dozen calls from
 *       the JVM a step instead of about 260, and for small models bfloat16 copies of exact float32
 *       weights, read by one-thread steps of several tokens ({@link #COPIES_MAX_HIDDEN}).
 * </ul>
 *
 * <p>The values are the ones {@link Transformer#forward} computes (the same operations on the same
 * numbers, fused or not; the scripted step in transformers' own norm and activation, within float
 * rounding of them), which {@code DecodingTest}, {@code BatchDecoderTest} and the parity fixtures
 * check.
 */
final class Decoding implements AutoCloseable {
    private final NDManager manager;
    private final ModelConfig config;
    private final RotaryEmbedding rope;
    private final NDArray rotation;
    private final NDArray scale;
    private final NDArray epsilon;
    private final NDArray[] qkv;
    private final NDArray[] qkvBias;
    private final NDArray[] gateUp;
    private final NDArray[] gateUpBias;
    private final java.util.Map<Projection, NDArray> transposed = new java.util.IdentityHashMap<>();
    /** Multiply-adds of one row of a decoding step through every projection and the head (attention aside). */
    private final long rowMultiplyAdds;
    /** Rotary tables {@code [1, 1, positions, headDim]}; grown on demand. */
    private NDArray cos;
    private NDArray sin;
    /** The tables as {@code [positions, headDim]} views, for the scripted step. */
    private NDArray cosRows;
    private NDArray sinRows;
    /** The whole step in one call, where every projection is a plain layer in float32 or float16; else null. */
    private final ScriptedStep scripted;

    /**
     * {@code -Dtunebook.decode.scripted=false} keeps every step on plain operators: for a before/after
     * of the scripted step from the same build (bench/README.md), and as a way out should a libtorch
     * build not compile it.
     */
    static final boolean SCRIPTED = Boolean.parseBoolean(System.getProperty("tunebook.decode.scripted", "true"));

    /**
     * @param bf16Copies whether the scripted step may read exact bfloat16 copies of float32 weights
     *     ({@link ScriptedStep#BF16_COPIES}; tests compare both ways)
     * @param partFloats floats of a 16-bit weight its scripted step upcasts at a time on one thread
     *     ({@link ScriptedStep#CHUNK_FLOATS}; tests make the parts small)
     * @param maxCopyBytes the most bytes of float32 copies (fused and head) it makes; past it, none
     *     ({@link Transformer#DECODING_COPIES_MAX_BYTES}; tests make it smaller than the copies)
     */
    Decoding(Transformer net, RotaryEmbedding rope, NDManager parent, boolean bf16Copies, long partFloats,
            long maxCopyBytes) {
        this.manager = parent.newSubManager();
        this.config = net.config();
        this.rope = rope;
        int d = config.headDim();
        int half = d / 2;
        float[] r = new float[d * d];
        for (int j = 0; j < half; j++) {
            r[(j + half) * d + j] = -1; // out[j] = -x[j + half]
            r[j * d + j + half] = 1; // out[j + half] = x[j]
        }
        this.rotation = Tensors.of(manager, r, new Shape(d, d));
        this.scale = Tensors.scalar(manager, (float) (1.0 / Math.sqrt(d)));
        this.epsilon = Tensors.scalar(manager, (float) config.rmsNormEps());
        int layers = config.numHiddenLayers();
        long hidden = config.hiddenSize();
        long attention = (long) d * (config.numAttentionHeads() * 2L + config.numKeyValueHeads() * 2L);
        this.rowMultiplyAdds = layers * (hidden * attention + 3L * hidden * config.intermediateSize())
                + (long) config.vocabSize() * hidden;
        this.qkv = new NDArray[layers];
        this.qkvBias = new NDArray[layers];
        this.gateUp = new NDArray[layers];
        this.gateUpBias = new NDArray[layers];
        boolean copy = copyBytes(net) <= maxCopyBytes;
        for (int l = 0; l < layers; l++) {
            DecoderLayer layer = net.decoderLayer(l);
            Attention a = layer.attention;
            if (copy && !config.architecture().qkNorm()) {
                fuse(l, qkv, qkvBias, a.qProj, a.kProj, a.vProj);
            }
            if (copy) {
                fuse(l, gateUp, gateUpBias, layer.mlp.gateProj, layer.mlp.upProj);
            }
            for (Projection p : new Projection[] {a.oProj, layer.mlp.downProj, a.qProj, a.kProj, a.vProj,
                layer.mlp.gateProj, layer.mlp.upProj}) {
                NDArray t = transposedWeight(p);
                if (t != null) {
                    transposed.put(p, t);
                }
            }
        }
        NDArray head = copy && wideFloat32(net.lmHead()) ? heldSideBySide(net.lmHead())
                : transposedWeight(net.lmHead());
        if (head != null) {
            transposed.put(net.lmHead(), head);
        }
        this.scripted = SCRIPTED ? scriptedStep(net, bf16Copies, partFloats) : null;
    }

    /**
     * The step as one TorchScript call ({@link ScriptedStep}) when every layer's projections are plain
     * layers, q/k/v all with a bias or none, gate/up/o/down without; float32 ones fused, float16 ones
     * read one by one; the products' weights all float32 or all float16, the norms float32; null
     * otherwise (an adapter, a quantized layer, mixed dtypes, q/k norms keep the plain path).
     */
    private ScriptedStep scriptedStep(Transformer net, boolean bf16Copies, long partFloats) {
        if (config.architecture().qkNorm()) {
            return null; // the step's source has no q/k norms
        }
        int layers = config.numHiddenLayers();
        Attention first = net.decoderLayer(0).attention;
        boolean bias = first.qProj.getClass() == Linear.class && ((Linear) first.qProj).bias().isPresent();
        ScriptedStep.Layout layout = new ScriptedStep.Layout(qkv[0] != null, bias);
        List<NDArray> weights = new ArrayList<>();
        weights.add(net.embedTokens());
        for (int l = 0; l < layers; l++) {
            DecoderLayer layer = net.decoderLayer(l);
            Attention a = layer.attention;
            NDArray o = transposed.get(a.oProj);
            NDArray down = transposed.get(layer.mlp.downProj);
            if (o == null || down == null || (qkv[l] != null) != layout.fused() || (qkvBias[l] != null) != (bias
                    && layout.fused()) || (gateUp[l] != null) != layout.fused() || gateUpBias[l] != null) {
                return null;
            }
            weights.add(layer.inputNorm().weight());
            if (layout.fused()) {
                weights.add(qkv[l]);
                if (bias) {
                    weights.add(qkvBias[l]);
                }
            } else if (!addUnfused(weights, bias, a.qProj, a.kProj, a.vProj)) {
                return null;
            }
            weights.add(o);
            weights.add(layer.postAttentionNorm().weight());
            if (layout.fused()) {
                weights.add(gateUp[l]);
            } else if (!addUnfused(weights, false, layer.mlp.gateProj, layer.mlp.upProj)) {
                return null;
            }
            weights.add(down);
        }
        NDArray head = transposed.get(net.lmHead());
        if (head == null) {
            return null;
        }
        weights.add(net.finalNorm().weight());
        weights.add(head);
        // Products all float32 or all float16 (16-bit storage), the embedding either, norms and biases float32.
        List<Integer> products = ScriptedStep.productIndices(config, layout);
        DataType productType = weights.get(products.get(0)).getDataType();
        for (int i = 0; i < weights.size(); i++) {
            DataType type = weights.get(i).getDataType();
            boolean ok = products.contains(i) ? type == productType
                    : i == 0 ? type == DataType.FLOAT32 || type == DataType.FLOAT16 : type == DataType.FLOAT32;
            if (!ok) {
                return null;
            }
        }
        // Copies only where a one-row step runs on one thread, and so do steps of a few tokens, which read
        // them (see ScriptedStep.run): a model past that size would hold them for nothing; and only for
        // short rows (COPIES_MAX_HIDDEN).
        return new ScriptedStep(config, layout, weights, rotation,
                bf16Copies && oneThread(1) && config.hiddenSize() <= COPIES_MAX_HIDDEN, partFloats);
    }

    /**
     * Adds the projections' weights one by one, transposed views, or with {@code bias} as stored
     * followed by their biases; false when one is not a plain layer of that kind.
     */
    private boolean addUnfused(List<NDArray> weights, boolean bias, Projection... parts) {
        List<NDArray> biases = new ArrayList<>();
        for (Projection p : parts) {
            if (p.getClass() != Linear.class || ((Linear) p).bias().isPresent() != bias) {
                return false;
            }
            NDArray w = bias ? ((Linear) p).weight() : transposed.get(p);
            if (w == null || !held(w.getDataType())) {
                return false;
            }
            weights.add(w);
            ((Linear) p).bias().ifPresent(biases::add);
        }
        weights.addAll(biases);
        return true;
    }

    /** Lets go of the cache buffers the scripted step holds between steps (they are handed to it again at the next). */
    void forgetCache() {
        if (scripted != null) {
            scripted.forgetBuffers();
        }
    }

    /** Whether the scripted step holds cache buffers from its last run. */
    boolean holdsCache() {
        return scripted != null && scripted.holdsBuffers();
    }

    /** Whether {@link #step} runs the whole step in one call (see {@link ScriptedStep}). */
    boolean scripted() {
        return scripted != null;
    }

    /**
     * Bytes of weights a batch-1 step reads: the scripted step's on one thread (products' weights as
     * it reads them, norms); on the plain path every parameter as stored.
     */
    long weightBytes(Transformer net) {
        if (scripted != null) {
            return scripted.weightBytes();
        }
        long bytes = 0;
        for (NDArray w : net.parameters().values()) {
            bytes += w.size() * w.getDataType().getNumOfBytes();
        }
        return bytes;
    }

    /** Whether the scripted step on one thread reads 16-bit weights ({@link ScriptedStep#sixteenBit}). */
    boolean sixteenBit() {
        return scripted != null && scripted.sixteenBit();
    }

    /** Whether the scripted step holds bfloat16 copies of the weights (see {@link ScriptedStep#copies}). */
    boolean copies() {
        return scripted != null && scripted.copies();
    }

    /**
     * {@code seq} tokens for every row through the scripted step (a prefill, or one new token): writes
     * each layer's keys and values after the cached ones and returns the last position's logits
     * {@code [batch, 1, vocab]} on {@code m}.
     *
     * @param ids {@code [batch * seq]}, row-major, and {@code positions} theirs
     * @param mask {@code [batch or 1, 1, seq, cached + seq]} additive, or null when every row sees every key
     */
    NDArray step(NDManager m, long[] ids, long[] positions, int batch, NDArray mask, KvCache cache) {
        int seq = ids.length / batch;
        long[] both = java.util.Arrays.copyOf(ids, 2 * ids.length);
        long last = 0;
        for (int i = 0; i < positions.length; i++) {
            both[ids.length + i] = positions[i];
            last = Math.max(last, positions[i]);
        }
        ensure((int) last + 1);
        int past = cache.length();
        cache.reserve(batch, config, past + seq);
        NDArray logits = scripted.run(m, Tensors.of(m, both, new Shape(2, batch, seq)), past, cache.buffers(), cosRows,
                sinRows, rotation, mask);
        cache.advance(seq);
        return logits;
    }

    /**
     * A plain projection's weight held here ({@link #held}), transposed (a view), or null for any
     * other projection and for one with a bias: {@code F.linear} adds a bias inside its matmul
     * (addmm), which rounds differently from a matmul followed by an addition, so those keep their
     * own call.
     */
    private NDArray transposedWeight(Projection p) {
        if (p.getClass() != Linear.class) {
            return null;
        }
        Linear linear = (Linear) p;
        if (!held(linear.weight().getDataType()) || linear.bias().isPresent()) {
            return null;
        }
        NDArray t = linear.weight().transpose();
        t.attach(manager);
        return t;
    }

    /**
     * Fuses the projections when all are plain float32 layers: without biases their weights side by
     * side as one contiguous {@code [in, out]} ({@link #heldSideBySide}), with biases (which
     * {@code F.linear} adds inside its product) the weights concatenated as stored, {@code [out, in]},
     * and the biases. Not for 16-bit ones: the copies would add half a 16-bit model's weights for the
     * decoder's life (Llama-3.1-8B: 9.1 GB, from its shape); its scripted step reads them one by one
     * (see {@link ScriptedStep.Layout}).
     */
    private void fuse(int layer, NDArray[] weights, NDArray[] biases, Projection... parts) {
        if (!fusable(parts)) {
            return;
        }
        NDList w = new NDList();
        NDList b = new NDList();
        for (Projection p : parts) {
            w.add(((Linear) p).weight());
            ((Linear) p).bias().ifPresent(b::add);
        }
        if (b.isEmpty()) {
            weights[layer] = heldSideBySide(parts);
            return;
        }
        weights[layer] = attached(NDArrays.concat(w, 0), manager);
        biases[layer] = attached(NDArrays.concat(b, 0), manager);
    }

    /**
     * The projections' float32 weights side by side as one contiguous {@code [in, out]} copy, held
     * here. A one-row product streams its weight from memory, and MKL streams a contiguous {@code
     * [in, out]} weight faster than the transposed view of a stored {@code [out, in]} when it is
     * wider than long: one thread, weights cycled through 96 MB, ns a number (view against
     * contiguous): 256 → 8,192 (tiny-base's head) 0.48-0.57 against 0.18-0.22, 256 → 1,280 0.47
     * against 0.26, 768 → 4,096 0.31-0.32 against 0.19-0.20, 768 → 2,304 0.33-0.38 against 0.23-0.26;
     * square about even (256: 0.52 against 0.51), longer than wide the view faster (2,048 → 768:
     * 0.22-0.27 against 0.27-0.33), so o and down keep their views. 16 rows gain less (head 1.26
     * against 1.12). mid-100m's batch-1 step went from 28.5-33.3 to 21.3-25.6 ms (bench/README.md).
     */
    private NDArray heldSideBySide(Projection... parts) {
        NDList w = new NDList();
        for (Projection p : parts) {
            w.add(((Linear) p).weight().transpose());
        }
        NDArray out = parts.length == 1 ? contiguous(w.get(0)) : NDArrays.concat(w, 1);
        w.close();
        return attached(out, manager);
    }

    /** Whether the projections are all plain float32 layers, all with a bias or none: what {@link #fuse} fuses. */
    private static boolean fusable(Projection... parts) {
        int biases = 0;
        for (Projection p : parts) {
            if (p.getClass() != Linear.class || ((Linear) p).weight().getDataType() != DataType.FLOAT32) {
                return false;
            }
            biases += ((Linear) p).bias().isPresent() ? 1 : 0;
        }
        return biases == 0 || biases == parts.length;
    }

    /** Whether the head is a plain float32 layer without a bias, wider than long: held as a contiguous copy. */
    private static boolean wideFloat32(Projection head) {
        if (head.getClass() != Linear.class || ((Linear) head).bias().isPresent()) {
            return false;
        }
        NDArray w = ((Linear) head).weight();
        return w.getDataType() == DataType.FLOAT32 && w.getShape().get(0) > w.getShape().get(1);
    }

    /** Bytes of the float32 copies a decoder of {@code net} would make: the fused weights and biases, the head. */
    static long copyBytes(Transformer net) {
        long floats = 0;
        for (int l = 0; l < net.config().numHiddenLayers(); l++) {
            DecoderLayer layer = net.decoderLayer(l);
            Attention a = layer.attention;
            List<Projection[]> groups = new ArrayList<>();
            if (!net.config().architecture().qkNorm()) {
                groups.add(new Projection[] {a.qProj, a.kProj, a.vProj});
            }
            groups.add(new Projection[] {layer.mlp.gateProj, layer.mlp.upProj});
            for (Projection[] group : groups) {
                if (fusable(group)) {
                    for (Projection p : group) {
                        floats += ((Linear) p).weight().size() + ((Linear) p).bias().map(NDArray::size).orElse(0L);
                    }
                }
            }
        }
        if (wideFloat32(net.lmHead())) {
            floats += ((Linear) net.lmHead()).weight().size();
        }
        return floats * Float.BYTES;
    }

    /** Layer {@code l}'s fused q/k/v weight as held ({@code [in, out]}, or {@code [out, in]} with biases); null when not fused. */
    NDArray qkvWeight(int l) {
        return qkv[l];
    }

    /** Layer {@code l}'s fused gate/up weight as held; null when not fused. */
    NDArray gateUpWeight(int l) {
        return gateUp[l];
    }

    /** A projection's weight as {@code [in, out]} as held here (a view or a copy), or null. */
    NDArray weightOf(Projection p) {
        return transposed.get(p);
    }

    /**
     * {@code t.contiguous()}: a copy laid out as its shape reads (DJL's copies and a one-part concat
     * keep a view's strides: {@code DecodingTest} fails on the head without this).
     */
    private static NDArray contiguous(NDArray t) {
        try (IValue in = IValue.from((PtNDArray) t);
                IValue out = IValueUtils.runMethod(ScriptedOps.module("t: Tensor", "return t.contiguous()"), "forward",
                        in)) {
            return out.toTensor((PtNDManager) t.getManager());
        }
    }

    /**
     * Whether weights of {@code type} get transposed views here: float32 always (the plain path
     * multiplies by them); float16 (16-bit storage, see {@link LoadOptions}) for the scripted step
     * alone, which upcasts them part by part, so only where it may be built.
     */
    private static boolean held(DataType type) {
        return type == DataType.FLOAT32 || (SCRIPTED && type == DataType.FLOAT16);
    }

    /**
     * {@code p(x)}: one matmul (plus the bias) through the weight's transposed view where there is one
     * of {@code x}'s dtype; the projection's own forward otherwise (a 16-bit one upcasts its weight).
     */
    NDArray linear(Projection p, NDArray x) {
        NDArray t = transposed.get(p);
        if (t == null || t.getDataType() != x.getDataType()) {
            return p.forward(x);
        }
        return x.matMul(t);
    }

    /** q, k and v of layer {@code l} in one {@code [batch, seq, (heads + 2 kvHeads) headDim]}, or null when not fused. */
    NDArray qkv(int l, NDArray x) {
        return fused(qkv[l], qkvBias[l], x);
    }

    /** gate and up of layer {@code l} in one {@code [batch, seq, 2 intermediate]}, or null when not fused. */
    NDArray gateUp(int l, NDArray x) {
        return fused(gateUp[l], gateUpBias[l], x);
    }

    /** As {@link Linear#forward} computes it: {@code F.linear} with a bias, a matmul by the transposed view without. */
    private NDArray fused(NDArray weight, NDArray bias, NDArray x) {
        if (weight == null) {
            return null;
        }
        if (bias != null) {
            return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
        }
        return x.matMul(weight);
    }

    /**
     * Multiply-adds of a step's projections and head (its tokens times a row's) at or under which the
     * step runs on one CPU thread: tiny-base (6.2 M a token) up to 64 tokens, a decoding step of up
     * to 64 rows or a prefill of 64 prompt tokens; mid-100m (91 M) up to 4. Measured on the shared
     * 2-core machine with the passive OpenMP waiting {@code bin/tunebook} sets: a step's operators are
     * small, libtorch splits each across both threads, and waking the sleeping second thread, once
     * per operator, costs more than it saves. Scripted steps on tiny-base (bench/README.md, "A
     * decoding step in one call"), one thread against two: a step of 1 row 4.0-5.0 against 5.9-6.4
     * ms, 16 rows 7.8-8.0 against 10.7-12.2, 32 rows 11.1-11.2 against 13.7-15.0, 64 rows 17.1-19.0
     * against 17.2-18.8; a prefill of 36 tokens 8.1-10.2 against 9.5-10.0 ms, 4 × 36 20.2-20.3 against
     * 25.1-25.8, 1 × 128 18.3-18.5 against 19.4-19.6, 16 × 36 63-67 against 46-50.
     */
    static final long ONE_THREAD_STEP_MULTIPLY_ADDS = 400_000_000L;

    /**
     * The widest hidden size for which one-thread steps of several tokens read bfloat16 copies of
     * exact float32 weights. Measured for one-row steps, which read them too before the contiguous
     * {@code [in, out]} copies ({@link #heldSideBySide}): a one-row product by a float32 weight (a
     * transposed view) streams it faster the longer its rows: 0.55-0.57 ns a number at 256 numbers a
     * row, 0.44-0.48 at 512, 0.33-0.37 at 768, 0.25-0.27 at 2,048 (4,096 rows, weights cycled
     * through 96 MB, one thread); upcasting a bfloat16 copy in parts and multiplying costs about
     * 0.3-0.5 whatever the rows (0.39-0.41, 0.31-0.51, 0.41-0.47). tiny-base (256) generated 20-34 %
     * faster with the copies; mid-100m (768) 15 % slower (bench/README.md).
     */
    static final int COPIES_MAX_HIDDEN = 512;

    /**
     * Tokens of a step up to which a model held in 16 bits runs its scripted step on one thread
     * whatever its size: there the step upcasts its weights in L2-sized parts, and on two threads
     * every part's upcast and product wake the second thread. Qwen2.5-0.5B's shape held in float16,
     * one thread against two (bench/README.md): 1 row 186-201 against 472-666 ms, 8 rows 348-367
     * against 668-747, 32 rows 698-700 against 1,301-1,368.
     */
    static final long SIXTEEN_BIT_ONE_THREAD_TOKENS = 64;

    /**
     * Whether a step of {@code tokens} tokens (rows times positions) should run on one thread (see
     * {@link #ONE_THREAD_STEP_MULTIPLY_ADDS} and {@link #SIXTEEN_BIT_ONE_THREAD_TOKENS}).
     */
    boolean oneThread(long tokens) {
        if (manager.getDevice().isGpu()) {
            return false;
        }
        return tokens * rowMultiplyAdds <= ONE_THREAD_STEP_MULTIPLY_ADDS
                || (scripted != null && scripted.sixteenBitStorage() && tokens <= SIXTEEN_BIT_ONE_THREAD_TOKENS);
    }

    /** The RMSNorm epsilon, a scalar array. */
    NDArray epsilon() {
        return epsilon;
    }

    /** The attention scale {@code 1/sqrt(headDim)}, a scalar array. */
    NDArray scale() {
        return scale;
    }

    /** {@code x cos + rotate_half(x) sin}, as {@link RotaryEmbedding#apply}, rotating by a matmul. */
    NDArray rotate(NDArray x, NDList cosSin) {
        return x.mul(cosSin.get(0)).add(x.matMul(rotation).mul(cosSin.get(1)));
    }

    /**
     * The rotary tables for {@code positions} ({@code [batch * seq]}, row-major), shaped
     * {@code [batch or 1, 1, seq, headDim]} on {@code m}: a slice of the tables when every row is at
     * the same positions, a gather otherwise.
     */
    NDList cosSin(NDManager m, long[] positions, int batch, int seq) {
        long first = positions[0];
        boolean uniform = true;
        for (int i = 0; i < positions.length && uniform; i++) {
            uniform = positions[i] == first + i % seq;
        }
        long last = first;
        for (long p : positions) {
            last = Math.max(last, p);
        }
        ensure((int) last + 1);
        if (uniform) {
            return new NDList(rows(cos, first, seq, m), rows(sin, first, seq, m));
        }
        NDArray ids = Tensors.of(m, positions, new Shape(batch, seq));
        return new NDList(gather(ids, cos), gather(ids, sin));
    }

    /**
     * Positions {@code [first, first + seq)} of a table, a view on {@code m}: one split, where a sliced
     * index runs one slice per dimension.
     */
    private static NDArray rows(NDArray table, long first, int seq, NDManager m) {
        NDList parts = table.split(new long[] {first, first + seq}, 2);
        parts.attach(m);
        return parts.get(1);
    }

    private NDArray gather(NDArray ids, NDArray table) {
        long positions = table.getShape().get(2);
        NDArray rows = table.reshape(positions, config.headDim());
        rows.attach(ids.getManager());
        return ids.getNDArrayInternal().embedding(ids, rows, SparseFormat.DENSE).singletonOrThrow().expandDims(1);
    }

    private static NDArray attached(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    /** Tables for at least {@code positions} positions, computed as {@link RotaryEmbedding#cosSin} computes a step's. */
    private void ensure(int positions) {
        int have = cos == null ? 0 : (int) cos.getShape().get(2);
        if (positions <= have) {
            return;
        }
        int n = Math.max(positions, Math.min(config.maxPositionEmbeddings(), Math.max(64, 2 * have)));
        try (NDManager scratch = manager.newSubManager()) {
            NDArray ids = scratch.arange(0, n).toType(DataType.INT64, false).expandDims(0);
            NDList tables = rope.cosSin(ids);
            if (cos != null) {
                cos.close();
                sin.close();
                cosRows.close();
                sinRows.close();
            }
            cos = attached(tables.get(0), manager);
            sin = attached(tables.get(1), manager);
            cosRows = attached(cos.reshape(n, config.headDim()), manager);
            sinRows = attached(sin.reshape(n, config.headDim()), manager);
        }
    }

    @Override
    public void close() {
        if (scripted != null) {
            scripted.close();
        }
        manager.close();
    }
}
