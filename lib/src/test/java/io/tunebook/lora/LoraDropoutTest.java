package io.tunebook.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.GradientCollector;
import io.tunebook.model.ScriptedOps;
import io.tunebook.model.Tensors;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The adapters' dropout keeps a boolean mask for the backward instead of torch's float noise: that
 * must change memory only. Same seed, same values and same gradients as {@code torch.dropout}, bit
 * for bit (but the sign of a dropped zero), at the rates the recipes use.
 */
class LoraDropoutTest {
    @Test
    void sameValuesAndGradientsAsTorchDropout() {
        for (float p : new float[] {0.05f, 0.1f, 0.3f}) {
            float[][] reference = run(p, false);
            float[][] ours = run(p, true);
            assertEqualValues(reference[0], ours[0], "dropout " + p + ": values");
            assertEqualValues(reference[1], ours[1], "dropout " + p + ": gradient of the input");
            int dropped = 0;
            for (float v : ours[0]) {
                dropped += v == 0 ? 1 : 0;
            }
            // Some values dropped, most kept: the rate acted (a mask of all ones would pass the equalities above).
            assertTrue(dropped > 0 && dropped < ours[0].length / 2, "dropout " + p + ": " + dropped + " dropped");
        }
    }

    /** Equal as numbers: torch's dropped values are x × 0, so -0.0 where x < 0, ours +0.0. */
    private static void assertEqualValues(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                assertEquals(expected[i], actual[i], 0f, what + " [" + i + "]");
            }
        }
    }

    /** {values, dL/dx} of dropout(x) with L = Σ dropout(x) · c for fixed random x and c. */
    private static float[][] run(float p, boolean ours) {
        Random r = new Random(3);
        int n = 4096;
        float[] xs = new float[n];
        float[] cs = new float[n];
        for (int i = 0; i < n; i++) {
            xs[i] = (float) r.nextGaussian();
            cs[i] = (float) r.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray x = Tensors.of(m, xs, new Shape(8, n / 8));
            x.setRequiresGradient(true);
            Engine.getInstance().setRandomSeed(42);
            NDArray y = ours ? ScriptedOps.dropout(x, p) : Dropout.dropout(x, p, true).singletonOrThrow();
            collector.backward(y.mul(Tensors.of(m, cs, new Shape(8, n / 8))).sum());
            return new float[][] {y.toFloatArray(), x.getGradient().toFloatArray()};
        }
    }
}
