package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The scripted operators compute what their definitions say, forward and backward, follow the
 * caller's autograd mode and manager, and take named arrays.
 */
class ScriptedOpsTest {
    private static NDArray random(NDManager m, Shape shape, long seed) {
        Random r = new Random(seed);
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 3);
        }
        return Tensors.of(m, v, shape);
    }

    private static float maxDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    /** {@code scripted} and {@code plain} give the same values and input gradients on random values of {@code shape}. */
    private static void sameForwardAndBackward(Shape shape, UnaryOperator<NDArray> scripted, UnaryOperator<NDArray> plain,
            String what) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = random(m, shape, 1);
            NDArray y = x.duplicate();
            x.setRequiresGradient(true);
            y.setRequiresGradient(true);
            NDArray upstream = random(m, shape, 2);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray ours = scripted.apply(x);
                NDArray theirs = plain.apply(y);
                assertTrue(maxDiff(ours, theirs) < 1e-5f, what + ": forward");
                gc.backward(ours.mul(upstream).sum());
                gc.backward(theirs.mul(upstream).sum());
            }
            assertTrue(maxDiff(x.getGradient(), y.getGradient()) < 1e-5f, what + ": backward");
        }
    }

    @Test
    void siluIsXTimesSigmoidForwardAndBackward() {
        sameForwardAndBackward(new Shape(3, 5, 40), ScriptedOps::silu, y -> y.mul(Activation.sigmoid(y)), "silu");
    }

    @Test
    void rmsNormalizeIsXOverItsRootMeanSquareForwardAndBackward() {
        sameForwardAndBackward(new Shape(2, 7, 64), x -> ScriptedOps.rmsNormalize(x, 1e-5),
                y -> y.div(y.square().mean(new int[] {-1}, true).add(1e-5f).sqrt()), "rms norm");
    }

    /** Scores, additive mask, softmax and values by hand, grouped kv heads repeated: what the fused kernel must equal. */
    private static NDArray byHand(NDArray q, NDArray k, NDArray v, NDArray mask, float scale) {
        long group = q.getShape().get(1) / k.getShape().get(1);
        NDArray keys = k.repeat(1, group);
        NDArray values = v.repeat(1, group);
        NDArray scores = q.matMul(keys.transpose(0, 1, 3, 2)).mul(scale);
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(-1).matMul(values);
    }

    @Test
    void attentionIsTheSoftmaxOfMaskedScoresTimesValuesForwardAndBackward() {
        try (NDManager m = NDManager.newBaseManager()) {
            int batch = 2;
            int seq = 6;
            // Causal, with the first two keys of row 1 padded: row 1's first two queries see nothing and
            // stay finite (uniform), as transformers' most-negative-float mask makes them. Their upstream
            // gradient is zero, as a loss that ignores padding gives them: for such a row libtorch's fused
            // backward (the one transformers' sdpa runs with a mask on the CPU) rebuilds the probabilities
            // from a log-sum-exp the mask absorbed, so with a nonzero upstream its gradient there differs
            // from the by-hand softmax's (by up to 2.5 times the gradient's size), every other row within
            // float rounding.
            float[] additive = new float[batch * seq * seq];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < seq; i++) {
                    for (int j = 0; j < seq; j++) {
                        boolean allowed = j <= i && !(b == 1 && j < 2);
                        additive[(b * seq + i) * seq + j] = allowed ? 0f : -Float.MAX_VALUE;
                    }
                }
            }
            NDArray mask = Tensors.of(m, additive, new Shape(batch, 1, seq, seq));
            for (NDArray maskOrNull : new NDArray[] {mask, null}) {
                NDArray[] ours = {random(m, new Shape(batch, 4, seq, 8), 7), random(m, new Shape(batch, 2, seq, 8), 8),
                    random(m, new Shape(batch, 2, seq, 8), 9)};
                NDArray[] theirs = new NDArray[3];
                for (int i = 0; i < 3; i++) {
                    theirs[i] = ours[i].duplicate();
                    ours[i].setRequiresGradient(true);
                    theirs[i].setRequiresGradient(true);
                }
                NDArray upstream = random(m, new Shape(batch, 4, seq, 8), 10);
                if (maskOrNull != null) {
                    upstream.set(new ai.djl.ndarray.index.NDIndex("1, :, 0:2, :"), 0f);
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray fused = ScriptedOps.attention(ours[0], ours[1], ours[2], maskOrNull, 0.35f);
                    NDArray plain = byHand(theirs[0], theirs[1], theirs[2], maskOrNull, 0.35f);
                    assertEquals(new Shape(batch, 4, seq, 8), fused.getShape());
                    assertTrue(maxDiff(fused, plain) < 1e-5f, "forward, mask " + (maskOrNull != null));
                    gc.backward(fused.mul(upstream).sum());
                    gc.backward(plain.mul(upstream).sum());
                }
                for (int i = 0; i < 3; i++) {
                    // Relative to the gradient's size: summed in another order, the rounding grows with it.
                    float size = theirs[i].getGradient().abs().max().getFloat();
                    assertTrue(maxDiff(ours[i].getGradient(), theirs[i].getGradient()) < 1e-5f * size,
                            "backward of input " + i + ", mask " + (maskOrNull != null));
                }
            }
        }
    }

    @Test
    void epsilonIsTheOneGiven() {
        try (NDManager m = NDManager.newBaseManager()) {
            // One value per row: the root mean square is |v|, so the result is v / sqrt(v² + eps).
            NDArray x = Tensors.of(m, new float[] {0.01f, -0.02f}, new Shape(2, 1));
            float[] small = ScriptedOps.rmsNormalize(x, 1e-6).toFloatArray();
            float[] large = ScriptedOps.rmsNormalize(x, 1e-2).toFloatArray();
            assertEquals(0.01 / Math.sqrt(1e-4 + 1e-6), small[0], 1e-5);
            assertEquals(-0.02 / Math.sqrt(4e-4 + 1e-2), large[1], 1e-5);
        }
    }

    @Test
    void resultsLiveOnTheInputsManagerAndRecordOnlyWhenAutogradRecords() {
        try (NDManager m = NDManager.newBaseManager(); NDManager step = m.newSubManager()) {
            NDArray x = random(m, new Shape(4, 8), 5);
            x.setRequiresGradient(true);
            x.attach(step);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray recorded = ScriptedOps.silu(x);
                assertSame(step, recorded.getManager());
                NDArray unrecorded;
                try (Autograd.Scope off = Autograd.paused()) {
                    unrecorded = ScriptedOps.silu(x);
                }
                assertThrows(EngineException.class, () -> gc.backward(unrecorded.sum()), "no graph with autograd paused");
                gc.backward(recorded.sum());
                assertTrue(x.getGradient().abs().sum().getFloat() > 0, "a graph while recording");
            }
        }
    }

    @Test
    void aNamedArrayIsPassedAsATensor() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = random(m, new Shape(2, 3), 6);
            NDArray unnamed = ScriptedOps.silu(x);
            x.setName("model.layers.0.mlp.gate_proj.weight"); // DJL would make a dictionary of it
            assertEquals(0f, maxDiff(ScriptedOps.silu(x), unnamed));
        }
    }
}
