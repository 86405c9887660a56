package io.tunebook.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tunebook.model.Linear;
import io.tunebook.model.Tensors;
import org.junit.jupiter.api.Test;

class QuantizedLinearTest {

    @Test
    void forwardIsTheMatmulWithTheDequantizedWeightAndLeavesOnlyItsOutput() {
        try (NDManager root = NDManager.newBaseManager()) {
            Linear dense = new Linear("model.layers.0.mlp.up_proj",
                    Tensors.of(root, QuantizedTensorTest.gaussian(96 * 128, 3), new Shape(96, 128)),
                    Tensors.of(root, QuantizedTensorTest.gaussian(96, 4), new Shape(96)));
            QuantizedLinear q = QuantizedLinear.of(dense, QuantConfig.nf4(), root);
            assertSame(q, q.base());
            assertEquals(128, q.inFeatures());
            assertEquals(96, q.outFeatures());
            try (NDManager step = root.newSubManager()) {
                NDArray x = Tensors.of(step, QuantizedTensorTest.gaussian(2 * 5 * 128, 5), new Shape(2, 5, 128));
                int before = step.getManagedArrays().size();
                NDArray y = q.forward(x);
                assertEquals(before + 1, step.getManagedArrays().size(), "only the output stays on the caller's manager");
                assertEquals(new Shape(2, 5, 96), y.getShape());
                NDArray w = q.weight().dequantize(step);
                NDArray expected = x.matMul(w.transpose()).add(dense.bias().orElseThrow());
                assertArrayEquals(expected.toFloatArray(), y.toFloatArray(), 1e-4f);
            }
        }
    }

    /** Closing the dequantized weight after the forward must not break the input gradient autograd computes with it. */
    @Test
    void inputGradientFlowsThroughTheFrozenQuantizedWeight() {
        try (NDManager root = NDManager.newBaseManager()) {
            Linear dense = new Linear("q_proj", Tensors.of(root, QuantizedTensorTest.gaussian(64 * 64, 8),
                    new Shape(64, 64)), null);
            QuantizedLinear q = QuantizedLinear.of(dense, QuantConfig.nf4(), root);
            try (NDManager step = root.newSubManager()) {
                NDArray x = Tensors.of(step, QuantizedTensorTest.gaussian(3 * 64, 9), new Shape(3, 64));
                x.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray y = q.forward(x);
                    collector.backward(y.sum());
                }
                // d(sum(x W^T))/dx = ones * W: every row is the column sums of W.
                NDArray colSums = q.weight().dequantize(step).sum(new int[] {0});
                float[] grad = x.getGradient().toFloatArray();
                float[] expected = colSums.toFloatArray();
                for (int row = 0; row < 3; row++) {
                    float[] g = java.util.Arrays.copyOfRange(grad, row * 64, row * 64 + 64);
                    assertArrayEquals(expected, g, 1e-4f);
                }
            }
        }
    }

    @Test
    void float16ComputeStaysCloseAndReturnsTheInputDtype() {
        try (NDManager root = NDManager.newBaseManager()) {
            Linear dense = new Linear("o_proj", Tensors.of(root, QuantizedTensorTest.gaussian(32 * 64, 1),
                    new Shape(32, 64)), Tensors.of(root, new float[32], new Shape(32)));
            QuantizedLinear f32 = QuantizedLinear.of(dense, QuantConfig.nf4(), root);
            QuantizedLinear f16 = QuantizedLinear.of(dense,
                    QuantConfig.builder().computeDtype(DataType.FLOAT16).build(), root);
            try (NDManager step = root.newSubManager()) {
                NDArray x = Tensors.of(step, QuantizedTensorTest.gaussian(4 * 64, 2), new Shape(4, 64));
                NDArray y16 = f16.forward(x);
                assertEquals(DataType.FLOAT32, y16.getDataType());
                // Half precision keeps 11 significant bits: outputs of magnitude ~8 agree to ~0.02.
                assertArrayEquals(f32.forward(x).toFloatArray(), y16.toFloatArray(), 0.05f);

                // DJL's dtype conversion runs with autograd off: recording through it would cut the graph.
                x.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    IllegalStateException e = assertThrows(IllegalStateException.class, () -> f16.forward(x));
                    assertTrue(e.getMessage().contains("serves inference"), e.getMessage());
                }
            }
        }
    }
}
