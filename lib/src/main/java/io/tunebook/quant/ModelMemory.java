package io.tunebook.quant;

import ai.djl.ndarray.NDArray;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Projection;

/**
 * What a model's base weights occupy, measured from the arrays it holds: the dense ones (embeddings,
 * norms, biases, unquantized layers) and the quantized layers' storage. Adapters are not counted.
 *
 * @param denseBytes bytes of the dense arrays, at the dtype they are held in
 * @param quantizedStorageBytes {@link QuantizedTensor#storageBytes()} summed over quantized layers
 */
public record ModelMemory(long denseParameters, long denseBytes, int quantizedLayers, long quantizedParameters,
        long quantizedStorageBytes) {

    public static ModelMemory of(CausalLM model) {
        long denseParameters = 0;
        long denseBytes = 0;
        for (NDArray p : model.transformer().parameters().values()) {
            denseParameters += p.size();
            denseBytes += p.size() * p.getDataType().getNumOfBytes();
        }
        long[] quantized = new long[3];
        // replaceProjections with the identity visits every projection without changing any.
        model.transformer().replaceProjections(p -> {
            Projection base = p.base();
            if (base instanceof QuantizedLinear q) {
                quantized[0]++;
                quantized[1] += q.weight().size();
                quantized[2] += q.weight().storageBytes();
            }
            return p;
        });
        return new ModelMemory(denseParameters, denseBytes, (int) quantized[0], quantized[1], quantized[2]);
    }

    public long parameters() {
        return denseParameters + quantizedParameters;
    }

    public long totalBytes() {
        return denseBytes + quantizedStorageBytes;
    }

    /** Storage per quantized weight, or 0 when nothing is quantized. */
    public double quantizedBytesPerParameter() {
        return quantizedParameters == 0 ? 0 : (double) quantizedStorageBytes / quantizedParameters;
    }

    /** Average bytes per weight over the whole base model. */
    public double bytesPerParameter() {
        return (double) totalBytes() / parameters();
    }
}
