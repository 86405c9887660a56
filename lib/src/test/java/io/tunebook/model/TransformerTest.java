package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.Transformer.LayerContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A pass over a sequence frees each layer's intermediates as the layer returns: what it leaves on the
 * caller's manager does not grow with the layers (mid-100m's forward at 4 × 512 peaked at 5.3 GB
 * when it did; bench/README.md), and the numbers are those of the layers run on one manager.
 */
class TransformerTest {
    private static final int BATCH = 2;
    private static final int SEQ = 24;

    private static long[] ids(CausalLM model) {
        Random random = new Random(5);
        long[] ids = new long[BATCH * SEQ];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(model.config().vocabSize());
        }
        return ids;
    }

    private static NDArray ids(CausalLM model, NDManager m) {
        return Tensors.of(m, ids(model), new Shape(BATCH, SEQ));
    }

    /** Arrays one decoder layer of a training pass makes on its own manager: a layer's worth of intermediates. */
    private static int oneLayersArrays(CausalLM model) {
        Transformer net = model.transformer();
        try (NDManager m = model.manager().newSubManager()) {
            NDArray ids = ids(model, m);
            LayerContext context = net.context(ids, null, null);
            NDArray x = net.embed(ids);
            try (NDManager layer = m.newSubManager()) {
                x.tempAttach(layer);
                net.layer(0, x, context);
                return layer.getManagedArrays().size();
            }
        }
    }

    @Test
    void aForwardPassKeepsNoLayerIntermediates() {
        try (CausalLM model = CausalLM.load(ShippedModelTest.DIR)) {
            forwardKeepsNoLayerIntermediates(model);
        }
    }

    private static void forwardKeepsNoLayerIntermediates(CausalLM model) {
        Transformer net = model.transformer();
        int layers = net.layerCount();
        int perLayer = oneLayersArrays(model);
        float[] expected;
        int plain;
        try (NDManager m = model.manager().newSubManager()) {
            NDArray ids = ids(model, m);
            LayerContext context = net.context(ids, null, null);
            NDArray x = net.embed(ids);
            for (int i = 0; i < layers; i++) {
                x = net.layer(i, x, context);
            }
            expected = net.logits(net.finalNorm(x)).toFloatArray();
            plain = m.getManagedArrays().size();
        }
        try (NDManager m = model.manager().newSubManager()) {
            float[] logits = net.forward(ids(model, m), null, null, null).toFloatArray();
            int kept = m.getManagedArrays().size();
            assertArrayEquals(expected, logits);
            assertTrue(kept < perLayer, "a forward of " + layers + " layers left " + kept + " arrays on the caller's"
                    + " manager; one layer makes " + perLayer + ", the layers run on one manager leave " + plain);
        }
        try (NDManager m = model.manager().newSubManager()) {
            long[] positions = new long[BATCH * SEQ];
            long[] segments = new long[BATCH * SEQ];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = i % SEQ;
            }
            Shape shape = new Shape(BATCH, SEQ);
            float[] logits = net.forwardPacked(ids(model, m), Tensors.of(m, positions, shape),
                    Tensors.of(m, segments, shape)).toFloatArray();
            int kept = m.getManagedArrays().size();
            assertArrayEquals(expected, logits);
            assertTrue(kept < perLayer, "a packed forward left " + kept + " arrays; one layer makes " + perLayer);
        }
    }

    @Test
    void aPrefillKeepsNoLayerIntermediates() {
        try (CausalLM model = CausalLM.load(ShippedModelTest.DIR)) {
            prefillKeepsNoLayerIntermediates(model);
        }
    }

    private static void prefillKeepsNoLayerIntermediates(CausalLM model) {
        Transformer net = model.transformer();
        int perLayer = oneLayersArrays(model);
        long[] positions = new long[BATCH * SEQ];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i % SEQ;
        }
        try (NDManager outer = model.manager().newSubManager(); Decoding d = net.decoding(outer);
                KvCache cache = new KvCache(outer, net.layerCount());
                NDManager m = outer.newSubManager()) {
            NDList cosSin = d.cosSin(m, positions, BATCH, SEQ);
            NDArray hidden = net.decodeHiddenStates(ids(model, m), cosSin, null, cache, d);
            int kept = m.getManagedArrays().size();
            assertEquals(new Shape(BATCH, SEQ, model.config().hiddenSize()), hidden.getShape());
            assertTrue(kept < perLayer, "a prefill of " + net.layerCount() + " layers left " + kept
                    + " arrays on the step's manager; one layer makes " + perLayer);
        }
    }
}
