package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
            long[] positions = new long[prompt];
            for (int i = 0; i < prompt; i++) {
                positions[i] = i;
            }
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

    /** Fused projections run one larger matmul, which may round in another order: float32 noise only. */
    private static void assertClose(NDArray expected, NDArray actual) {
        assertEquals(expected.getShape(), actual.getShape());
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        float worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(e[i] - a[i]));
        }
        assertTrue(worst < 1e-4f, "largest logit difference " + worst);
    }
}
