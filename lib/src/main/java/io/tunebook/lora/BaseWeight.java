package io.tunebook.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.Linear;
import io.tunebook.model.Projection;

/**
 * The dense weight and bias behind a frozen projection, which DoRA needs for its column norms. A
 * dense {@link Linear} gives them directly (a 16-bit weight as a float32 copy); any other layer (a quantized one) is probed through its
 * forward: {@code f(0) = b} and {@code f(I) = Wᵀ + b}, so it is dequantized the way it computes.
 */
final class BaseWeight {
    private BaseWeight() {
    }

    /** {@code Wᵀ}, shape {@code [in, out]}, owned by {@code m}. */
    static NDArray transposed(Projection base, NDManager m) {
        if (base instanceof Linear linear) {
            return on(m, linear.weightAs(DataType.FLOAT32, m).transpose());
        }
        NDArray withBias = base.forward(m.eye(Math.toIntExact(base.inFeatures())));
        NDArray bias = bias(base, m);
        return bias == null ? withBias : withBias.sub(bias);
    }

    /** The bias {@code [out]} (or {@code [1, out]}), or null when the layer has none. */
    static NDArray bias(Projection base, NDManager m) {
        if (base instanceof Linear linear) {
            return linear.bias().orElse(null);
        }
        return base.forward(m.zeros(new Shape(1, base.inFeatures())));
    }

    /** Moves a result that DJL put on its receiver's manager (a model or adapter array's) to {@code m}. */
    static NDArray on(NDManager m, NDArray array) {
        array.attach(m);
        return array;
    }
}
