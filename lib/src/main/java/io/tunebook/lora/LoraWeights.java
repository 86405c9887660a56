package io.tunebook.lora;

import static io.tunebook.lora.BaseWeight.on;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.Projection;
import io.tunebook.model.Tensors;
import java.util.Random;

/**
 * One adapter on one module: A {@code [r, in]}, B {@code [out, r]}, the scaling of {@code B·A}, the
 * dropout on the adapter's input, and for DoRA the magnitude vector {@code [out]} (null for LoRA).
 */
record LoraWeights(NDArray a, NDArray b, NDArray magnitude, float scaling, float dropout) {

    /** New matrices for {@code base} as {@code config} says, drawn from {@code random} in a fixed order. */
    static LoraWeights initialize(Projection base, LoraConfig config, NDManager manager, Random random) {
        int r = config.r();
        long in = base.inFeatures();
        long out = base.outFeatures();
        // nn.Linear's Kaiming-uniform with a = √5 draws from ±1/√fan_in.
        float[] a = config.initLoraWeights() == LoraInit.GAUSSIAN
                ? gaussian(random, Math.multiplyExact(r, in), 1.0 / r)
                : uniform(random, Math.multiplyExact(r, in), 1.0 / Math.sqrt(in));
        float[] b = config.initLoraWeights() == LoraInit.RANDOM
                ? uniform(random, Math.multiplyExact(out, r), 1.0 / Math.sqrt(r))
                : new float[Math.toIntExact(Math.multiplyExact(out, r))];
        NDArray aArray = Tensors.of(manager, a, new Shape(r, in));
        NDArray bArray = Tensors.of(manager, b, new Shape(out, r));
        float scaling = (float) config.scaling();
        NDArray magnitude = null;
        if (config.useDora()) {
            // DoRA starts with the magnitude of the adapted weight, so the layer's output is unchanged.
            try (NDManager scratch = manager.newSubManager()) {
                float[] norms = columnNorms(base, aArray, bArray, scaling, scratch).toFloatArray();
                magnitude = Tensors.of(manager, norms, new Shape(out));
            }
        }
        return new LoraWeights(aArray, bArray, magnitude, scaling, (float) config.dropout());
    }

    private static float[] uniform(Random random, long n, double bound) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    private static float[] gaussian(Random random, long n, double std) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return v;
    }

    boolean dora() {
        return magnitude != null;
    }

    long parameterCount() {
        return a.size() + b.size() + (magnitude == null ? 0 : magnitude.size());
    }

    /** {@code scaling·(B·A)ᵀ}, shape {@code [in, out]}, on {@code m} and outside the autograd graph. */
    NDArray deltaTransposed(NDManager m) {
        return deltaTransposed(a, b, scaling, m);
    }

    private static NDArray deltaTransposed(NDArray a, NDArray b, float scaling, NDManager m) {
        NDArray aT = on(m, on(m, a.stopGradient()).transpose());
        NDArray product = ai.djl.nn.core.Linear.linear(aT, on(m, b.stopGradient())).singletonOrThrow();
        return product.mul(Tensors.scalar(m, scaling));
    }

    /**
     * {@code ‖W + scaling·B·A‖} per output row (PEFT's column-wise norm of the {@code [out, in]}
     * weight), detached from the graph as the DoRA paper advises.
     */
    NDArray columnNorms(Projection base, NDManager m) {
        return columnNorms(base, a, b, scaling, m);
    }

    private static NDArray columnNorms(Projection base, NDArray a, NDArray b, float scaling, NDManager m) {
        return deltaTransposed(a, b, scaling, m).add(BaseWeight.transposed(base, m)).square().sum(new int[] {0}).sqrt().stopGradient();
    }

    void close() {
        a.close();
        b.close();
        if (magnitude != null) {
            magnitude.close();
        }
    }
}
