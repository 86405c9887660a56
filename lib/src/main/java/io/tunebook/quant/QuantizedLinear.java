package io.tunebook.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.tunebook.model.Autograd;
import io.tunebook.model.FrozenMatmul;
import io.tunebook.model.Linear;
import io.tunebook.model.Projection;
import io.tunebook.model.Tensors;

/**
 * A frozen linear layer whose weight is a {@link QuantizedTensor}, as bitsandbytes' {@code Linear4bit}:
 * each forward dequantizes the weight to the compute dtype, multiplies, and frees the dense copy.
 * The bias, if any, stays a dense float32 array. LoRA wraps it like any other {@link Projection}.
 *
 * <p>While autograd records, PyTorch would keep the dequantized weight alive until the backward (the
 * matmul needs it for the input gradient); bitsandbytes avoids that with a custom autograd function
 * that dequantizes again in the backward, and the trainer does the same through {@link FrozenMatmul}:
 * one dense weight exists at a time, in training as in inference.
 *
 * <p>A compute dtype other than the input's serves inference only: DJL converts dtypes with
 * autograd off, so under a gradient collector the converted input would carry no gradient back
 * and the adapters below this layer would train on a cut graph. The forward refuses it there.
 */
public final class QuantizedLinear implements Projection, AutoCloseable {
    private final String name;
    private final QuantizedTensor weight;
    private final NDArray bias;
    private final DataType computeDtype;

    public QuantizedLinear(String name, QuantizedTensor weight, NDArray bias, DataType computeDtype) {
        if (weight.shape().dimension() != 2) {
            throw new IllegalArgumentException(name + ": a linear weight is [out, in], got " + weight.shape());
        }
        this.name = name;
        this.weight = weight;
        this.bias = bias;
        this.computeDtype = computeDtype;
    }

    /** Quantizes a dense layer's weight; the dense layer is left untouched (the caller frees it). */
    public static QuantizedLinear of(Linear dense, QuantConfig config, NDManager manager) {
        NDArray w = dense.weight();
        QuantizedTensor q = QuantizedTensor.quantize(dense.name(), Tensors.toFloatArray(w), w.getShape(), config,
                manager);
        return new QuantizedLinear(dense.name(), q, dense.bias().orElse(null), config.computeDtype());
    }

    @Override
    public NDArray forward(NDArray x) {
        NDManager m = x.getManager();
        DataType inputType = x.getDataType();
        if (computeDtype != inputType && Autograd.recording()) {
            throw new IllegalStateException(name + ": compute dtype " + computeDtype + " cannot train on "
                    + inputType + " inputs: this engine converts dtypes without recording gradients, so none would "
                    + "flow back through the layer; train with the input's dtype (float16 compute serves inference)");
        }
        if (computeDtype == inputType) {
            return FrozenMatmul.linear(x, weight::dequantize, bias);
        }
        try (NDManager scratch = m.newSubManager()) {
            NDArray in = x.toType(computeDtype, false);
            in.attach(scratch);
            NDArray b = null;
            if (bias != null) {
                b = bias.toType(computeDtype, false);
                b.attach(scratch);
            }
            NDArray y = ai.djl.nn.core.Linear.linear(in, weight.dequantize(scratch, computeDtype), b)
                    .singletonOrThrow().toType(inputType, false);
            y.attach(m);
            return y;
        }
    }

    public QuantizedTensor weight() {
        return weight;
    }

    @Override
    public long inFeatures() {
        return weight.shape().get(1);
    }

    @Override
    public long outFeatures() {
        return weight.shape().get(0);
    }

    /** Itself: the quantized layer is the frozen base adapters wrap. */
    @Override
    public Projection base() {
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    /** Frees the quantized weight; the bias belongs to the model's parameters. */
    @Override
    public void close() {
        weight.close();
    }
}
