package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * A whole decoding step (one new token for every row: embedding, every layer, final norm, head) as
 * one TorchScript call, for a model whose projections are all plain layers held in float32 (which
 * {@link Decoding} fused) or in float16 (16-bit storage, read one by one: see {@link Layout}). Why:
 * on a small model a step is mostly calls, not arithmetic. tiny-base's batch-1 step made about 260
 * native calls from the JVM, each a JNI crossing plus a Java array object registered in and freed
 * from its manager, and took twice as long as its products (bench/README.md); PyTorch's eager step
 * makes as many operator calls, each cheaper. Inside
 * libtorch's interpreter an operator costs about a dispatch; from the JVM this step costs a dozen
 * calls whatever the depth.
 *
 * <p>The arithmetic is transformers' (LlamaRMSNorm's {@code x · rsqrt(mean(x²) + eps) · w},
 * {@code silu(gate) · up}, rotary, grouped attention in float32 with the additive mask) with the
 * fusions of {@link Decoding}: q, k and v in one product, gate and up in another, q and k rotated
 * together (rotate-half as an exact product by a 0/±1 matrix), each layer's step keys and values
 * copied into their cache slot in place. Weights, rotary tables and the cache's buffers are handed
 * to libtorch once and kept as lists until they change; a step passes its ids and positions (one
 * array), the cached length and the mask.
 *
 * <p>Bytes. A one-row step reads every weight once, so its products stream the weights from memory,
 * at a rate that depends on the layout: {@link Decoding} holds float32 weights wider than long as
 * contiguous {@code [in, out]} copies, which one-row products stream fastest. Two ways to read
 * 16-bit weights instead, both upcast exactly to float32 part by part into one buffer that stays in
 * the core's L2, then multiplied in float32: a model held in float16, and bfloat16 copies of a
 * float32 model whose weights are all exact in bfloat16 (a bfloat16 checkpoint loaded in float32;
 * see {@link #exactInBf16}), which give the very floats of the float32 weights and which steps of
 * several tokens read (see {@link #run}). Parts are for one thread only; on two, each part would
 * wake the other thread, and a float32 model multiplies its own weights while a float16 one upcasts
 * in large parts.
 */
final class ScriptedStep implements AutoCloseable {
    /** The weights as the model holds them (float32, or float16 for 16-bit storage). */
    private final IValue weights;
    /** The step on {@link #weights}: float32 products, or a 16-bit model's weights upcast in large parts. */
    private final PtSymbolBlock asHeld;
    /** bfloat16 copies of exact float32 weights (see {@link #exactInBf16}), or null. */
    private final IValue copies;
    /**
     * The step on 16-bit weights (the copies, or the 16-bit storage) upcast in L2-sized parts, for
     * calls on one thread; null where there are neither.
     */
    private final PtSymbolBlock inParts;
    private final long weightBytes;
    private final boolean sixteenBitStorage;
    /** Where 16-bit weights are upcast part by part (see {@link #upcastTransposed}); null for float32 steps. */
    private final NDArray upcastBuffer;
    private IValue tables;
    private NDArray tablesOf;
    private IValue buffers;
    private NDArray[] buffersOf;
    private final IValue noMask;
    private final IValue masked;
    private final IValue unmasked;

    /**
     * @param weights in order: the embedding table; per layer its weights as {@code layout} places
     *     them; then the final norm's weight and the head's as {@code [in, out]}. The
     *     products' weights are all float32 or all float16; the rest float32 (the embedding may be
     *     float16)
     * @param rotation the {@code [headDim, headDim]} rotate-half matrix
     * @param bf16Copies whether to make bfloat16 copies of float32 weights that are exact in it
     * @param partFloats floats of a 16-bit weight upcast at a time on one thread ({@link #CHUNK_FLOATS};
     *     tests make the parts small)
     */
    ScriptedStep(ModelConfig config, Layout layout, List<NDArray> weights, NDArray rotation, boolean bf16Copies,
            long partFloats) {
        this.weights = IValue.listFrom(weights.toArray(new PtNDArray[0]));
        List<Integer> read = productIndices(config, layout);
        String products = read.toString(); // [2, 3, 5, ...]: TorchScript's list syntax too
        boolean sixteenBitStorage = weights.get(read.get(0)).getDataType() != DataType.FLOAT32;
        if (!sixteenBitStorage && bf16Copies && exactInBf16(this.weights, products)) {
            // Stored [out, in] whatever the float32 weight's layout, as the parts upcast them (upcastTransposed):
            // a contiguous [in, out] copy upcast into that layout is a transposing copy (a step 3-4 times slower).
            List<Integer> asStored = new java.util.ArrayList<>();
            for (int l = 0; l < config.numHiddenLayers() && layout.bias(); l++) {
                for (int i : layout.attention()) {
                    asStored.add(1 + l * layout.stride() + i);
                }
            }
            this.copies = IValueUtils.runMethod(ScriptedOps.module("weights: List[Tensor]", "List[Tensor]",
                    String.join("\n",
                            "out = annotate(List[Tensor], [])",
                            "for i in range(len(weights)):",
                            "  if i in " + asStored + ":",
                            "    out.append(torch.to(weights[i], " + TORCH_BFLOAT16 + "))",
                            "  elif i in " + products + ":",
                            "    out.append(torch.t(torch.to(torch.t(weights[i]), " + TORCH_BFLOAT16 + ").contiguous()))",
                            "  else:",
                            "    out.append(weights[i])",
                            "return out")), "forward", this.weights);
        } else {
            this.copies = null;
        }
        this.sixteenBitStorage = sixteenBitStorage;
        if (sixteenBitStorage || copies != null) {
            long widest = Math.max(Math.max(config.hiddenSize(), config.intermediateSize()),
                    (long) config.numAttentionHeads() * config.headDim());
            long floats = Math.max(widest, Math.max(partFloats, sixteenBitStorage ? LARGE_CHUNK_FLOATS : 0));
            this.upcastBuffer = rotation.getManager().zeros(new ai.djl.ndarray.types.Shape(floats));
        } else {
            this.upcastBuffer = null;
        }
        this.asHeld = ScriptedOps.module(PARAMETERS,
                source(config, layout, sixteenBitStorage ? LARGE_CHUNK_FLOATS : 0));
        this.inParts = sixteenBitStorage || copies != null
                ? ScriptedOps.module(PARAMETERS, source(config, layout, partFloats))
                : null;
        long bytes = 0;
        for (int i = 1; i < weights.size(); i++) { // the embedding (0): one row a token; copies: not at one row
            NDArray w = weights.get(i);
            bytes += w.size() * w.getDataType().getNumOfBytes();
        }
        this.weightBytes = bytes;
        this.noMask = IValue.from((PtNDArray) rotation); // any tensor: not read when unmasked
        this.masked = IValue.from(true);
        this.unmasked = IValue.from(false);
    }

    /**
     * {@code -Dtunebook.decode.bf16=false} keeps the step's products on the float32 weights even where
     * bfloat16 copies would be exact: for a before/after from one build (bench/README.md), or to save
     * the copies' memory.
     */
    static final boolean BF16_COPIES = Boolean.parseBoolean(System.getProperty("tunebook.decode.bf16", "true"));

    /** torch.bfloat16 and torch.float32 as TorchScript's serialized code writes a dtype (c10::ScalarType). */
    private static final int TORCH_BFLOAT16 = 15;
    private static final int TORCH_FLOAT32 = 6;

    /**
     * Floats of a 16-bit weight upcast at a time (128 Ki, 512 KiB): the upcast part stays in the
     * core's L2 (1 MiB here) for the product that reads it right after, instead of a whole head's
     * worth (tiny-base: 8 MiB) going out to memory and back. Measured on tiny-base, batch 1.
     */
    static final long CHUNK_FLOATS = 128 * 1024;

    /**
     * Floats of a 16-bit model's weight upcast at a time on two threads (4 Mi, 16 MiB): few parts, so
     * few wake-ups of the second thread, and no array past what glibc's malloc keeps for reuse (32
     * MiB at most): upcasting a whole weight made a fresh mapping each time, page-faulted in, which
     * for Qwen2.5-0.5B's tied head is 544 MB a token (1.1-1.4 tok/s against 4.1 in float32).
     */
    static final long LARGE_CHUNK_FLOATS = 4L * 1024 * 1024;

    /**
     * Whether every product weight of the list (see {@link #productIndices}) is exactly a bfloat16
     * number, as a float32 model loaded from a bfloat16 checkpoint is: then a bfloat16 copy upcast at
     * each product gives the very floats the float32 weight holds, the products are the same float32
     * arithmetic bit for bit, and a step reads half the bytes. A trained or merged weight is not, and
     * keeps its float32 (all or none: one rule for the step's memory).
     */
    private static boolean exactInBf16(IValue weights, String products) {
        try (IValue out = IValueUtils.runMethod(ScriptedOps.module("weights: List[Tensor]", "bool",
                String.join("\n",
                        "for i in " + products + ":",
                        "  w = weights[i]",
                        "  if not torch.equal(torch.to(torch.to(w, " + TORCH_BFLOAT16 + "), " + TORCH_FLOAT32
                                + "), w):",
                        "    return False",
                        "return True")), "forward", weights)) {
            return out.toBoolean();
        }
    }

    /**
     * Where a layer's weights sit in the list, from its input norm at offset 0: q, k and v fused into
     * one weight (float32: {@link Decoding} made the fused copy) or three (float16: fused copies of a
     * 16-bit model would add half its weights' memory for the decoder's life), each as {@code [in,
     * out]}, or as stored followed by the biases when {@code bias}; then o ({@code [in, out]}), the
     * post-attention norm, gate and up fused or not, down.
     */
    record Layout(boolean fused, boolean bias) {
        /** Entries a layer takes. */
        int stride() {
            return down() + 1;
        }

        /** q/k/v's weights (one fused, or q, k, v), offsets from the layer's first entry. */
        int[] attention() {
            return fused ? new int[] {1} : new int[] {1, 2, 3};
        }

        /** Their biases' offsets (none without {@code bias}). */
        int[] biases() {
            int n = attention().length;
            int[] out = new int[bias ? n : 0];
            for (int i = 0; i < out.length; i++) {
                out[i] = 1 + n + i;
            }
            return out;
        }

        int o() {
            return 1 + attention().length + biases().length;
        }

        int postNorm() {
            return o() + 1;
        }

        /** gate/up's weights (one fused, or gate then up). */
        int[] mlp() {
            return fused ? new int[] {o() + 2} : new int[] {o() + 2, o() + 3};
        }

        int down() {
            return mlp()[mlp().length - 1] + 1;
        }
    }

    /** Indices in the weight list of the weights a product reads: q/k/v, o, gate/up, down, head. */
    static List<Integer> productIndices(ModelConfig c, Layout layout) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            int w = 1 + l * layout.stride();
            for (int i : layout.attention()) {
                out.add(w + i);
            }
            out.add(w + layout.o());
            for (int i : layout.mlp()) {
                out.add(w + i);
            }
            out.add(w + layout.down());
        }
        out.add(1 + c.numHiddenLayers() * layout.stride() + 1);
        return out;
    }

    /**
     * Bytes of weights a one-row step reads: every product's weight as that step reads it (a 16-bit
     * model's 2 a number; bfloat16 copies are for steps of several tokens), the norms', a row of the
     * embedding aside.
     */
    long weightBytes() {
        return weightBytes;
    }

    /**
     * Whether steps on one thread read 16-bit weights, upcast part by part: a 16-bit model's float16
     * storage, or bfloat16 copies of exact float32 weights (see {@link #exactInBf16}; steps of
     * several tokens only, see {@link #run}).
     */
    boolean sixteenBit() {
        return inParts != null;
    }

    /** Whether the model holds its products' weights in 16 bits (float16 storage, see {@link LoadOptions}). */
    boolean sixteenBitStorage() {
        return sixteenBitStorage;
    }

    /** Whether it holds bfloat16 copies of the weights (see {@link #exactInBf16}). */
    boolean copies() {
        return copies != null;
    }

    /**
     * Queries a row (a step's positions) up to which attention is computed by hand (scores, mask,
     * softmax, values) rather than by libtorch's fused kernel: a decoding step (one query over cached
     * grouped keys, which the fused kernel would need repeated per query head, a copy of the cache)
     * and short prompts. Past it the fused kernel, on keys and values repeated per query head (with
     * {@code enable_gqa} it ran libtorch's math path; see {@link ScriptedOps#attention}), never makes
     * the {@code heads × seq × keys} scores. Attention alone, one layer of tiny-base's shape, by hand /
     * fused with {@code enable_gqa} / fused on repeated keys, ms: 1 × 36 0.21 / 0.47 / 0.23, 16 × 36
     * 2.07 / 2.89 / 2.42, 8 × 64 1.40 / 2.55 / 1.52, 4 × 96 1.64 / 2.57 / 1.88, 4 × 128 3.98 / 5.28 /
     * 2.94, 1 × 512 14.1 / 11.8 / 5.0, 2 × 1,024 164 / 121 / 28 (two threads). The limit was 512
     * tokens a step (rows times positions) while the fused kernel ran the math path.
     */
    static final int BY_HAND_MAX_QUERIES = 96;

    private static final String PARAMETERS = "step: Tensor, past: int, weights: List[Tensor], caches: List[Tensor], "
            + "tables: List[Tensor], mask: Tensor, masked: bool";

    /**
     * The step's source: {@code step} is {@code [2, batch, seq]} (ids, then positions), {@code past}
     * the positions cached (the new keys go from there), {@code caches} each layer's key then value
     * buffer {@code [batch, kvHeads, capacity, headDim]}, {@code tables} cos, sin ({@code [positions,
     * headDim]}), the rotation and, for 16-bit products, the float32 buffer they are upcast into;
     * {@code mask} is {@code [batch or 1, 1, seq, past + seq]}, read when {@code masked}. Returns the
     * last position's logits {@code [batch, 1, vocab]}. Attention is by hand up to
     * {@link #BY_HAND_MAX_QUERIES} a row, by libtorch's fused kernel (transformers' sdpa) past it. The layer's
     * weights are where {@code layout} puts them. {@code chunkFloats} 0 reads float32 weights;
     * otherwise the products read 16-bit weights, upcast that many floats at a time (see
     * {@link #product}).
     */
    static String source(ModelConfig c, Layout layout, long chunkFloats) {
        int heads = c.numAttentionHeads();
        int kv = c.numKeyValueHeads();
        int d = c.headDim();
        int stride = layout.stride();
        long hidden = c.hiddenSize();
        long inter = c.intermediateSize();
        long[] outs = layout.fused() ? new long[] {(heads + 2L * kv) * d}
                : new long[] {(long) heads * d, (long) kv * d, (long) kv * d};
        List<String> parts = new java.util.ArrayList<>();
        for (int i = 0; i < outs.length; i++) {
            String weight = "weights[w + " + layout.attention()[i] + "]";
            parts.add(layout.bias()
                    ? biasedProduct("h", weight, "weights[w + " + layout.biases()[i] + "]", hidden, outs[i],
                            chunkFloats)
                    : product("h", weight, hidden, outs[i], chunkFloats));
        }
        String qkv = parts.size() == 1 ? parts.get(0) : "torch.cat([" + String.join(", ", parts) + "], -1)";
        int o = layout.o();
        String act = layout.fused()
                ? "torch.mul(torch.silu(torch.narrow(gateUp, 2, 0, " + inter + ")), torch.narrow(gateUp, 2, " + inter
                        + ", " + inter + "))"
                : "torch.mul(torch.silu(" + product("h", "weights[w + " + layout.mlp()[0] + "]", hidden, inter,
                        chunkFloats) + "), " + product("h", "weights[w + " + layout.mlp()[1] + "]", hidden, inter,
                        chunkFloats) + ")";
        String scale = Double.toString(1.0 / Math.sqrt(d));
        return String.join("\n",
                "b = step.size(1)",
                "s = step.size(2)",
                "positions = torch.reshape(torch.select(step, 0, 1), [-1])",
                "cos = torch.reshape(torch.index_select(tables[0], 0, positions), [b, 1, s, " + d + "])",
                "sin = torch.reshape(torch.index_select(tables[1], 0, positions), [b, 1, s, " + d + "])",
                "rotation = tables[2]",
                "x = torch.to(torch.embedding(weights[0], torch.select(step, 0, 0)), " + TORCH_FLOAT32 + ")",
                "for l in range(" + c.numHiddenLayers() + "):",
                "  w = 1 + l * " + stride,
                "  h = " + norm(c, "weights[w]"),
                "  qkv = torch.transpose(torch.reshape(" + qkv + ", [b, s, " + (heads + 2 * kv) + ", " + d + "]), 1, 2)",
                "  qk = torch.narrow(qkv, 1, 0, " + (heads + kv) + ")",
                "  qk = torch.add(torch.mul(qk, cos), torch.mul(torch.matmul(qk, rotation), sin))",
                "  kc = caches[2 * l]",
                "  vc = caches[2 * l + 1]",
                "  torch.narrow(kc, 2, past, s).copy_(torch.narrow(qk, 1, " + heads + ", " + kv + "))",
                "  torch.narrow(vc, 2, past, s).copy_(torch.narrow(qkv, 1, " + (heads + kv) + ", " + kv + "))",
                "  keys = torch.narrow(kc, 2, 0, past + s)",
                "  values = torch.narrow(vc, 2, 0, past + s)",
                "  q = torch.narrow(qk, 1, 0, " + heads + ")",
                "  if s <= " + BY_HAND_MAX_QUERIES + ":",
                "    n = past + s",
                "    scores = torch.mul(torch.matmul(torch.reshape(q, [b, " + kv + ", " + (heads / kv) + " * s, " + d
                        + "]), torch.transpose(keys, 2, 3)), " + scale + ")",
                "    if masked:",
                "      scores = torch.reshape(torch.add(torch.reshape(scores, [b, " + heads + ", s, n]), mask), [b, "
                        + kv + ", " + (heads / kv) + " * s, n])",
                "    out = torch.matmul(torch.softmax(scores, -1), values)",
                "    out = torch.reshape(torch.transpose(torch.reshape(out, [b, " + heads + ", s, " + d + "]), 1, 2), [b, s, "
                        + heads * d + "])",
                "  else:",
                heads == kv ? "    pass" : "    keys = torch.repeat_interleave(keys, " + heads / kv + ", 1)",
                heads == kv ? "    pass" : "    values = torch.repeat_interleave(values, " + heads / kv + ", 1)",
                "    if masked:",
                "      out = torch.scaled_dot_product_attention(q, keys, values, mask, 0., False, scale=" + scale + ")",
                "    else:",
                "      out = torch.scaled_dot_product_attention(q, keys, values, None, 0., False, scale=" + scale + ")",
                "    out = torch.reshape(torch.transpose(out, 1, 2), [b, s, " + heads * d + "])",
                "  x = torch.add(x, " + product("out", "weights[w + " + o + "]", (long) heads * d, hidden, chunkFloats)
                        + ")",
                "  h = " + norm(c, "weights[w + " + layout.postNorm() + "]"),
                layout.fused() ? "  gateUp = " + product("h", "weights[w + " + layout.mlp()[0] + "]", hidden, 2 * inter,
                        chunkFloats) : "  pass",
                "  act = " + act,
                "  x = torch.add(x, " + product("act", "weights[w + " + layout.down() + "]", inter, hidden, chunkFloats)
                        + ")",
                "n = " + (1 + c.numHiddenLayers() * stride),
                "x = torch.narrow(x, 1, s - 1, 1)",
                "h = " + norm(c, "weights[n]"),
                "return " + product("h", "weights[n + 1]", hidden, c.vocabSize(), chunkFloats));
    }

    /**
     * {@code x} times a weight held as {@code [in, out]}. With {@code chunkFloats} 0 the weight is
     * float32 and read as is (a view of the stored {@code [out, in]}, or {@link Decoding}'s contiguous
     * copy); otherwise it is 16-bit (a bfloat16 copy or float16 storage, a view of {@code [out, in]}),
     * upcast exactly {@code chunkFloats} at a time (whole output columns) into the step's buffer and
     * multiplied part by part, the parts' outputs concatenated: each output is the same dot product
     * either way.
     */
    private static String product(String x, String weight, long in, long out, long chunkFloats) {
        if (chunkFloats == 0) {
            return "torch.matmul(" + x + ", " + weight + ")";
        }
        long columns = Math.max(1, chunkFloats / in);
        if (columns >= out) {
            return "torch.matmul(" + x + ", " + upcastTransposed(weight) + ")";
        }
        return "torch.cat([torch.matmul(" + x + ", " + upcastTransposed("p") + ") for p in torch.split(" + weight + ", "
                + columns + ", 1)], -1)";
    }

    /**
     * {@code F.linear(x, weight, bias)} with the weight as stored ({@code [out, in]}), chunked as
     * {@link #product}; in parts the bias is added once to the parts' concatenation (TorchScript has
     * no pairs in a comprehension), which may round it differently from the one-call {@code addmm}.
     */
    private static String biasedProduct(String x, String weight, String bias, long in, long out, long chunkFloats) {
        if (chunkFloats == 0) {
            return "torch.linear(" + x + ", " + weight + ", " + bias + ")";
        }
        long rows = Math.max(1, chunkFloats / in);
        if (rows >= out) {
            return "torch.linear(" + x + ", " + upcast(weight) + ", " + bias + ")";
        }
        return "torch.add(torch.cat([torch.linear(" + x + ", " + upcast("p") + ") for p in torch.split(" + weight + ", "
                + rows + ", 0)], -1), " + bias + ")";
    }

    /**
     * A 16-bit {@code [in, out]} transposed view (of a stored {@code [out, in]}) upcast into the
     * step's float32 buffer ({@code tables[3]}), laid out the same: no array is made for it. A fresh
     * one per part, freed at once, cost a trim of glibc's heap and page faults to grow it back at
     * every part under a fixed mmap threshold (which also fixes the trim threshold at 128 KiB;
     * {@link MallocPolicy#LEAN}, then bin/tunebook's default for every model): tiny-base's 64-prompt evaluation at batch 1 took 4.2-5.8 s against
     * 2.4-2.8 with float32 weights.
     */
    private static String upcastTransposed(String p) {
        return "torch.t(torch.reshape(torch.narrow(tables[3], 0, 0, " + p + ".numel()), [" + p + ".size(1), " + p
                + ".size(0)])).copy_(" + p + ")";
    }

    /** A 16-bit contiguous weight upcast into the step's float32 buffer, as {@link #upcastTransposed}. */
    private static String upcast(String p) {
        return "torch.reshape(torch.narrow(tables[3], 0, 0, " + p + ".numel()), " + p + ".size()).copy_(" + p + ")";
    }

    /** LlamaRMSNorm of {@code x} with weight {@code weight}: {@code weight · (x · rsqrt(mean(x²) + eps))}. */
    private static String norm(ModelConfig c, String weight) {
        return "torch.rms_norm(x, [" + c.hiddenSize() + "], " + weight + ", " + Double.toString(c.rmsNormEps()) + ")";
    }

    /**
     * Runs the step on {@code m}: writes every layer's new keys and values from position {@code past}
     * of the cache's buffers (which must have room; the caller advances the cache) and returns the
     * last position's logits {@code [batch, 1, vocab]}.
     *
     * @param step {@code [2, batch, seq]}: the ids, then their positions
     * @param cos the rotary table {@code [positions, headDim]}, and sin the same
     * @param mask {@code [batch or 1, 1, seq, past + seq]} additive, or null when every row sees every key
     */
    NDArray run(NDManager m, NDArray step, int past, NDArray[] caches, NDArray cos, NDArray sin, NDArray rotation,
            NDArray mask) {
        if (tablesOf != cos) {
            if (tables != null) {
                tables.close();
            }
            tables = upcastBuffer == null ? IValue.listFrom((PtNDArray) cos, (PtNDArray) sin, (PtNDArray) rotation)
                    : IValue.listFrom((PtNDArray) cos, (PtNDArray) sin, (PtNDArray) rotation, (PtNDArray) upcastBuffer);
            tablesOf = cos;
        }
        if (!same(caches)) {
            forgetBuffers();
            PtNDArray[] all = new PtNDArray[caches.length];
            for (int i = 0; i < caches.length; i++) {
                all[i] = (PtNDArray) caches[i];
            }
            buffers = IValue.listFrom(all);
            buffersOf = caches.clone();
        }
        // The profiling executor specializes a graph to the shapes it saw, and a step's shapes change at
        // every token (the cached length): the plain interpreter was the faster (tiny-base, batch 1:
        // 154-168 against 132-143 tok/s). The setting is the calling thread's; it is put back after.
        // In parts on one thread only: on two, each part's upcast and product wake the other thread
        // (passive OpenMP), and the parts' wake-ups outweighed the bytes saved (tiny-base, batch 1: 8.5
        // to 10.2 ms against 5.4 to 6.6 for float32; bench/README.md). The copies, for steps of several
        // tokens only: a one-row product streams a contiguous [in, out] float32 weight faster than
        // parts upcast (tiny-base's head: 0.20 against 0.34 ns a number), while with 16 rows the
        // product from the L2 part is the faster (0.66 against 0.81; bench/README.md).
        long tokens = step.getShape().get(1) * step.getShape().get(2);
        boolean parts = inParts != null && JniUtils.getNumThreads() == 1 && (copies == null || tokens > 1);
        JniUtils.setGraphExecutorOptimize(false);
        try (IValue in = IValue.from((PtNDArray) step); IValue length = IValue.from((long) past);
                IValue maskValue = mask == null ? null : IValue.from((PtNDArray) mask);
                IValue out = IValueUtils.runMethod(parts ? inParts : asHeld, "forward", in, length,
                        parts && copies != null ? copies : weights, buffers, tables,
                        mask == null ? noMask : maskValue, mask == null ? unmasked : masked)) {
            return out.toTensor((PtNDManager) m);
        } finally {
            JniUtils.setGraphExecutorOptimize(true);
        }
    }

    /**
     * Drops this step's hold on the cache buffers it last ran on: a closed cache's memory is otherwise
     * kept until the next step hands over new ones, and a server that goes idle makes none.
     */
    void forgetBuffers() {
        if (buffers != null) {
            buffers.close();
            buffers = null;
            buffersOf = null;
        }
    }

    /** Whether it holds cache buffers from its last run. */
    boolean holdsBuffers() {
        return buffers != null;
    }

    private boolean same(NDArray[] caches) {
        if (buffersOf == null || buffersOf.length != caches.length) {
            return false;
        }
        for (int i = 0; i < caches.length; i++) {
            if (buffersOf[i] != caches[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        weights.close();
        if (copies != null) {
            copies.close();
        }
        noMask.close();
        masked.close();
        unmasked.close();
        if (tables != null) {
            tables.close();
        }
        if (buffers != null) {
            buffers.close();
        }
    }
}
