package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a decoder builds once gives the numbers the full forward pass computes. */
class DecodingTest {
    private static CausalLM model;

    @BeforeAll
    static void load() {
        model = CausalLM.load(ShippedModelTest.DIR);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static RotaryEmbedding rope(NDManager m) {
        return new RotaryEmbedding(m, model.config());
    }

    @Test
    void rotaryTablesSlicedOrGatheredEqualThoseComputedPerStep() {
        Transformer net = model.transformer();
        try (NDManager m = model.manager().newSubManager(); Decoding d = net.decoding(m)) {
            RotaryEmbedding rope = rope(m);
            // Rows at the same positions (a slice), then rows at their own positions (a gather), then
            // positions past the tables built so far (they grow), then the model's last position.
            long[][] cases = {{5, 6, 5, 6}, {3, 4, 0, 1}, {200, 201, 63, 64}, {300, 301, 300, 301},
                {model.config().maxPositionEmbeddings() - 1}};
            for (long[] positions : cases) {
                int batch = positions.length == 1 ? 1 : 2;
                int seq = positions.length / batch;
                NDList tables = d.cosSin(m, positions, batch, seq);
                NDList expected = rope.cosSin(Tensors.of(m, positions, new Shape(batch, seq)));
                for (int i = 0; i < 2; i++) {
                    assertEquals(expected.get(i).getShape().get(2), tables.get(i).getShape().get(2));
                    // A slice keeps batch 1 and broadcasts: compare each row against it.
                    NDArray got = tables.get(i).getShape().get(0) == batch ? tables.get(i)
                            : tables.get(i).repeat(0, batch);
                    assertArrayEquals(expected.get(i).toFloatArray(), got.toFloatArray(),
                            java.util.Arrays.toString(positions));
                }
            }
        }
    }

    @Test
    void rotationByMatmulEqualsRotateHalfExactly() {
        Transformer net = model.transformer();
        try (NDManager m = model.manager().newSubManager(); Decoding d = net.decoding(m)) {
            RotaryEmbedding rope = rope(m);
            int dim = model.config().headDim();
            NDArray x = m.randomNormal(new Shape(2, 3, 5, dim));
            NDList cosSin = d.cosSin(m, new long[] {4, 5, 6, 7, 8}, 1, 5);
            assertArrayEquals(rope.apply(x, cosSin).toFloatArray(), d.rotate(x, cosSin).toFloatArray());
        }
    }

    @Test
    void prefillThenStepsGiveTheFullPassLogits() {
        Transformer net = model.transformer();
        long[] ids = model.tokenizer().encode("Bonjour, ma commande n'est pas arrivée", true);
        int prompt = ids.length - 3;
        try (NDManager m = model.manager().newSubManager(); Decoding d = net.decoding(m);
                KvCache cache = new KvCache(m, model.config().numHiddenLayers())) {
            NDArray full = net.forward(Tensors.of(m, ids, new Shape(1, ids.length)), null, null, null);
            long[] head = java.util.Arrays.copyOf(ids, prompt);
            long[] positions = java.util.stream.LongStream.range(0, prompt).toArray();
            NDArray hidden = net.decodeHiddenStates(Tensors.of(m, head, new Shape(1, prompt)),
                    d.cosSin(m, positions, 1, prompt), null, cache, d);
            assertClose(full.get(":, :" + prompt + ", :"), d.linear(net.lmHead(), hidden));
            for (int t = prompt; t < ids.length; t++) {
                NDArray step = net.decodeHiddenStates(Tensors.of(m, new long[] {ids[t]}, new Shape(1, 1)),
                        d.cosSin(m, new long[] {t}, 1, 1), null, cache, d);
                assertClose(full.get(":, " + t + ":" + (t + 1) + ", :"), d.linear(net.lmHead(), step));
            }
            assertEquals(ids.length, cache.length());
        }
    }

    @Test
    void scriptedStepsGiveTheFullPassLogits() {
        Transformer net = model.transformer();
        long[] ids = model.tokenizer().encode("Bonjour, ma commande n'est pas arrivée", true);
        int prompt = ids.length - 4;
        try (NDManager m = model.manager().newSubManager(); Decoding d = net.decoding(m);
                KvCache cache = new KvCache(m, model.config().numHiddenLayers())) {
            assertTrue(d.scripted(), "tiny-base's plain float32 layers take the scripted step");
            assertScriptedStepsGiveTheFullPass(net, d, m, cache, ids, prompt);
        }
    }

    @Test
    void aScriptedPrefillPastTheByHandLimitGivesTheFullPassLogits() {
        // Two rows of 300 positions, the second left-padded by 40: past ScriptedStep.BY_HAND_MAX_QUERIES,
        // so the fused kernel attends, with the causal and padding mask.
        Transformer net = model.transformer();
        int seq = 300;
        int pad = 40;
        assertTrue(seq > ScriptedStep.BY_HAND_MAX_QUERIES);
        TwoRows rows = twoRows(seq, pad, 7);
        long[] ids = rows.ids();
        long[] positions = rows.positions();
        try (NDManager m = model.manager().newSubManager(); Decoding d = net.decoding(m);
                KvCache cache = new KvCache(m, model.config().numHiddenLayers())) {
            NDArray logits = d.step(m, ids, positions, 2, net.decodingMask(m, 0, 2, seq, new int[] {0, pad}), cache);
            NDArray first = net.forward(Tensors.of(m, java.util.Arrays.copyOf(ids, seq), new Shape(1, seq)), null, null,
                    null);
            NDArray second = net.forward(Tensors.of(m, java.util.Arrays.copyOfRange(ids, seq + pad, 2 * seq),
                    new Shape(1, seq - pad)), null, null, null);
            assertClose(first.get(":, -1:, :"), logits.get("0:1"));
            assertClose(second.get(":, -1:, :"), logits.get("1:2"));
        }
    }

    @Test
    void scriptedStepsOfPaddedRowsEqualThePlainSteps() {
        // Two rows at their own positions, the shorter left-padded and masked: the scripted prefill and
        // steps and the plain ones, each on its own cache, agree step after step and cache the same keys.
        Transformer net = model.transformer();
        long[] a = model.tokenizer().encode("Bonjour, ma commande n'est pas arrivée", true);
        long[] b = model.tokenizer().encode("Merci", true);
        int longest = a.length;
        int[] leftPadding = {0, longest - b.length};
        long[] ids = new long[2 * longest];
        long[] positions = new long[2 * longest];
        for (int t = 0; t < longest; t++) {
            ids[t] = a[t];
            positions[t] = t;
            if (t >= leftPadding[1]) {
                ids[longest + t] = b[t - leftPadding[1]];
                positions[longest + t] = t - leftPadding[1];
            }
        }
        try (NDManager m = model.manager().newSubManager(); Decoding d = net.decoding(m);
                KvCache plain = new KvCache(m, model.config().numHiddenLayers());
                KvCache scripted = new KvCache(m, model.config().numHiddenLayers())) {
            NDArray plainPrefill = d.linear(net.lmHead(), net.decodeHiddenStates(Tensors.of(m, ids, new Shape(2, longest)),
                    d.cosSin(m, positions, 2, longest), leftPadding, plain, d).get(":, -1:, :"));
            plain.reserve(longest + 8);
            assertClose(plainPrefill, d.step(m, ids, positions, 2, net.decodingMask(m, 0, 2, longest, leftPadding), scripted));
            long[] next = {17, 42};
            for (int step = 0; step < 5; step++) {
                long[] at = {longest + step, b.length + step};
                NDArray expected = d.linear(net.lmHead(), net.decodeHiddenStates(Tensors.of(m, next, new Shape(2, 1)),
                        d.cosSin(m, at, 2, 1), leftPadding, plain, d));
                NDArray mask = net.decodingMask(m, scripted.length(), 2, 1, leftPadding);
                NDArray got = d.step(m, next, at, 2, mask, scripted);
                assertClose(expected, got);
                next = got.argMax(-1).toLongArray();
            }
            assertEquals(plain.length(), scripted.length());
            NDArray[] p = plain.buffers();
            NDArray[] s = scripted.buffers();
            for (int i = 0; i < p.length; i++) {
                NDArray kept = p[i].get(":, :, " + leftPadding[1] + ":" + plain.length() + ", :");
                assertClose(kept.get("0:1"), s[i].get(":, :, " + leftPadding[1] + ":" + plain.length() + ", :").get("0:1"));
                assertClose(p[i].get("1:2, :, " + leftPadding[1] + ":" + plain.length() + ", :"),
                        s[i].get("1:2, :, " + leftPadding[1] + ":" + plain.length() + ", :"));
            }
        }
    }

    @Test
    void wideFloat32WeightsAreHeldAsContiguousInOutAndGiveTheFullPass() {
        // q/k/v and gate/up fused, and the head, are wider than long on tiny-base: held as contiguous
        // [in, out] copies (MKL streams them faster); o (square) and down (longer than wide) keep the
        // transposed views of the stored [out, in]. The steps, on one thread and two, still give the
        // full pass's logits.
        Transformer net = model.transformer();
        ModelConfig c = model.config();
        int hidden = c.hiddenSize();
        try (NDManager m = model.manager().newSubManager(); Decoding d = net.decoding(m)) {
            assertTrue(d.scripted());
            for (int l = 0; l < c.numHiddenLayers(); l++) {
                DecoderLayer layer = net.decoderLayer(l);
                assertContiguous(d.qkvWeight(l), hidden, (c.numAttentionHeads() + 2L * c.numKeyValueHeads()) * c.headDim());
                assertContiguous(d.gateUpWeight(l), hidden, 2L * c.intermediateSize());
                assertArrayEquals(new long[] {hidden, c.numAttentionHeads() * (long) c.headDim()},
                        d.weightOf(layer.attention.oProj).getShape().getShape());
                assertFalse(contiguous(d.weightOf(layer.attention.oProj)), "o keeps the view");
                assertFalse(contiguous(d.weightOf(layer.mlp.downProj)), "down keeps the view");
            }
            assertContiguous(d.weightOf(net.lmHead()), hidden, c.vocabSize());
            assertFullPassOnOneThreadAndTwo(d, m);
        }
        long perLayer = (long) hidden * ((c.numAttentionHeads() + 2L * c.numKeyValueHeads()) * c.headDim()
                + 2L * c.intermediateSize());
        assertEquals((c.numHiddenLayers() * perLayer + (long) c.vocabSize() * hidden) * Float.BYTES, Decoding.copyBytes(net));
    }

    @Test
    void pastTheCopyBudgetFloat32WeightsAreReadOneByOneWithTheSameLogits() {
        // A decoder allowed fewer bytes of copies than the fused weights and the head take (a real model
        // in float32) makes none: q, k, v, gate and up are read one by one and the head as views of the
        // model's own weights, and the scripted step still gives the full pass, on one thread and two.
        Transformer net = model.transformer();
        ModelConfig c = model.config();
        try (NDManager m = model.manager().newSubManager();
                Decoding d = new Decoding(net, rope(m), m, false, ScriptedStep.CHUNK_FLOATS, Decoding.copyBytes(net) - 1)) {
            assertTrue(d.scripted() && !d.sixteenBit());
            for (int l = 0; l < c.numHiddenLayers(); l++) {
                assertEquals(null, d.qkvWeight(l));
                assertEquals(null, d.gateUpWeight(l));
                assertFalse(contiguous(d.weightOf(net.decoderLayer(l).mlp.gateProj)), "a view of the stored weight");
            }
            assertFalse(contiguous(d.weightOf(net.lmHead())), "the head's view");
            assertFullPassOnOneThreadAndTwo(d, m);
        }
    }

    /** tiny-base's scripted prefill and steps over a short French prompt give its full pass, on one thread and on two. */
    private static void assertFullPassOnOneThreadAndTwo(Decoding d, NDManager m) {
        long[] ids = model.tokenizer().encode("Bonjour, ma commande n'est pas arrivée", true);
        int threads = JniUtils.getNumThreads();
        try {
            for (int t : new int[] {1, 2}) {
                JniUtils.setNumThreads(t);
                try (NDManager s = m.newSubManager(); KvCache cache = new KvCache(s, model.config().numHiddenLayers())) {
                    assertScriptedStepsGiveTheFullPass(model.transformer(), d, s, cache, ids, ids.length - 4);
                }
            }
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    private static void assertContiguous(NDArray w, long in, long out) {
        assertArrayEquals(new long[] {in, out}, w.getShape().getShape());
        assertTrue(contiguous(w), "held as a contiguous [in, out]");
    }

    private static boolean contiguous(NDArray w) {
        try (ai.djl.pytorch.jni.IValue in = ai.djl.pytorch.jni.IValue.from((ai.djl.pytorch.engine.PtNDArray) w);
                ai.djl.pytorch.jni.IValue out = ai.djl.pytorch.jni.IValueUtils.runMethod(
                        ScriptedOps.module("t: Tensor", "bool", "return t.is_contiguous()"), "forward", in)) {
            return out.toBoolean();
        }
    }

    @Test
    void bf16CopiesOfExactWeightsGiveTheFloat32Step() {
        // tiny-base's checkpoint is bfloat16, so its float32 weights are exact in bfloat16: the copies,
        // read by steps of several tokens on one thread and upcast part by part, give the same floats,
        // so the products are float32 sums of the same numbers, for a padded two-row prefill past the
        // by-hand limit (matrix products) and for two-row steps. Not bit for bit: the copies are read
        // as [out, in] views and the float32 weights q/k/v, gate/up and the head as contiguous
        // [in, out], and MKL sums the two layouts in another order (the logits differ by about 1e-5).
        // One-row steps read the float32 weights with or without copies: those are bit for bit.
        Transformer net = model.transformer();
        int seq = 300;
        int pad = 40;
        TwoRows rows = twoRows(seq, pad, 11);
        long[] ids = rows.ids();
        long[] positions = rows.positions();
        int[] leftPadding = {0, pad};
        int threads = JniUtils.getNumThreads();
        int layers = model.config().numHiddenLayers();
        try (NDManager m = model.manager().newSubManager(); Decoding copies = net.decoding(m, true);
                Decoding plain = net.decoding(m, false);
                KvCache a = new KvCache(m, layers);
                KvCache b = new KvCache(m, layers)) {
            assertTrue(copies.copies() && copies.sixteenBit(), "tiny-base's weights are exact in bfloat16");
            assertTrue(plain.scripted() && !plain.sixteenBit() && !plain.copies());
            JniUtils.setNumThreads(1);
            NDArray mask = net.decodingMask(m, 0, 2, seq, leftPadding);
            NDArray got = copies.step(m, ids, positions, 2, mask, a);
            assertClose(plain.step(m, ids, positions, 2, mask, b), got);
            long[] next = got.argMax(-1).toLongArray();
            for (int step = 0; step < 4; step++) {
                long[] at = {seq + step, seq - pad + step};
                NDArray stepMask = net.decodingMask(m, a.length(), 2, 1, leftPadding);
                got = copies.step(m, next, at, 2, stepMask, a);
                assertClose(plain.step(m, next, at, 2, stepMask, b), got);
                next = got.argMax(-1).toLongArray();
            }
            for (int i = 0; i < a.buffers().length; i++) {
                assertClose(b.buffers()[i], a.buffers()[i]);
            }
            try (KvCache c = new KvCache(m, layers); KvCache d = new KvCache(m, layers)) {
                long token = 17;
                for (int t = 0; t < 5; t++) {
                    float[] one = copies.step(m, new long[] {token}, new long[] {t}, 1, null, c).toFloatArray();
                    assertArrayEquals(plain.step(m, new long[] {token}, new long[] {t}, 1, null, d).toFloatArray(), one,
                            "one-row step " + t);
                    token = 3 + (token * 31) % 1000;
                }
            }
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    @Test
    void aWeightNotExactInBf16KeepsEveryProductOnFloat32() {
        // One down projection nudged off the bfloat16 grid (as training or a merge leaves it): no copies.
        try (CausalLM nudged = CausalLM.load(ShippedModelTest.DIR)) {
            Transformer net = nudged.transformer();
            ((Linear) net.decoderLayer(3).mlp.downProj).updateWeight(w -> w.muli(1.0f + 1e-6f));
            try (NDManager m = nudged.manager().newSubManager(); Decoding d = net.decoding(m, true)) {
                assertTrue(d.scripted());
                assertTrue(!d.copies() && !d.sixteenBit(), "a float32 weight off the bfloat16 grid is not copied");
            }
        }
    }

    @Test
    void aSixteenBitModelTakesTheScriptedStepWithItsOwnLogits() {
        // Loaded as config.json says (bfloat16, held as float16): the scripted step upcasts the stored
        // weights, in parts on one thread and whole on two, as each 16-bit projection upcasts its own
        // for the full pass.
        int threads = JniUtils.getNumThreads();
        try (CausalLM half = CausalLM.load(ShippedModelTest.DIR, LoadOptions.builder().dtype("auto").build())) {
            assertEquals(ai.djl.ndarray.types.DataType.FLOAT16, half.dtype());
            Transformer net = half.transformer();
            long[] ids = half.tokenizer().encode("Bonjour, ma commande n'est pas arrivée", true);
            int prompt = ids.length - 4;
            for (int t : new int[] {1, 2}) {
                JniUtils.setNumThreads(t);
                try (NDManager m = half.manager().newSubManager(); Decoding d = net.decoding(m);
                        KvCache cache = new KvCache(m, half.config().numHiddenLayers())) {
                    assertTrue(d.scripted() && d.sixteenBit() && !d.copies(), "a 16-bit model takes the scripted step");
                    assertScriptedStepsGiveTheFullPass(net, d, m, cache, ids, prompt);
                }
            }
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    @Test
    void aBiasedSixteenBitModelUpcastInSmallPartsGivesItsOwnLogits() {
        // Qwen2's fixture (q/k/v biases, tied head) in float16, upcast 8 rows of 48 at a time: every
        // product, biased or not, goes part by part, and the steps still give the full pass's logits.
        int threads = JniUtils.getNumThreads();
        try (CausalLM qwen = CausalLM.load(Fixtures.dir("qwen2"), LoadOptions.builder().dtype("float16").build())) {
            Transformer net = qwen.transformer();
            long[] ids = {1, 17, 42, 99, 5, 150, 23, 64, 8, 120};
            int prompt = 6;
            JniUtils.setNumThreads(1);
            try (NDManager m = qwen.manager().newSubManager(); Decoding d = net.decoding(m, false, 48 * 8);
                    KvCache cache = new KvCache(m, qwen.config().numHiddenLayers())) {
                assertTrue(d.scripted() && d.sixteenBit(), "Qwen2 in float16 takes the scripted step");
                assertScriptedStepsGiveTheFullPass(net, d, m, cache, ids, prompt);
            }
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    /** Two rows' random ids, {@code [2 * seq]}, and their positions: the second left-padded by {@code pad}. */
    private record TwoRows(long[] ids, long[] positions) {
    }

    private static TwoRows twoRows(int seq, int pad, long seed) {
        java.util.Random random = new java.util.Random(seed);
        long[] ids = new long[2 * seq];
        long[] positions = new long[2 * seq];
        for (int t = 0; t < seq; t++) {
            ids[t] = 3 + random.nextInt(model.config().vocabSize() - 3);
            positions[t] = t;
            if (t >= pad) {
                ids[seq + t] = 3 + random.nextInt(model.config().vocabSize() - 3);
                positions[seq + t] = t - pad;
            }
        }
        return new TwoRows(ids, positions);
    }

    /**
     * A scripted prefill of the first {@code prompt} ids, then one scripted step a token for the rest,
     * each against the full pass's logits at that position.
     */
    private static void assertScriptedStepsGiveTheFullPass(Transformer net, Decoding d, NDManager m, KvCache cache,
            long[] ids, int prompt) {
        NDArray full = net.forward(Tensors.of(m, ids, new Shape(1, ids.length)), null, null, null);
        long[] positions = java.util.stream.LongStream.range(0, prompt).toArray();
        NDArray prefill = d.step(m, java.util.Arrays.copyOf(ids, prompt), positions, 1,
                net.decodingMask(m, 0, 1, prompt, null), cache);
        assertClose(full.get(":, " + (prompt - 1) + ":" + prompt + ", :"), prefill);
        for (int t = prompt; t < ids.length; t++) {
            NDArray logits = d.step(m, new long[] {ids[t]}, new long[] {t}, 1, null, cache);
            assertClose(full.get(":, " + t + ":" + (t + 1) + ", :"), logits);
        }
        assertEquals(ids.length, cache.length());
    }

    /** Fused projections run one larger matmul, which may round in another order: float32 noise only. */
    private static void assertClose(NDArray expected, NDArray actual) {
        assertEquals(expected.getShape(), actual.getShape());
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        float worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(e[i] - a[i]));
        }
        assertTrue(worst < 1e-4f, "largest difference " + worst);
    }
}
