package io.tunebook.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.CausalLM;
import io.tunebook.model.LoadOptions;
import io.tunebook.model.Linear;
import io.tunebook.model.Projection;
import io.tunebook.model.Transformer;
import java.nio.file.Path;

/**
 * Replaces a model's dense projections by quantized ones, as loading with a
 * {@code BitsAndBytesConfig} does: attention and MLP projections are quantized, embeddings and
 * norms stay dense, and so do the modules the config skips ({@code lm_head} by default). The dense
 * weights of quantized layers are freed.
 *
 * <pre>{@code
 * try (CausalLM model = Quantizer.load(dir, QuantConfig.nf4(), LoadOptions.builder().dtype("auto").build())) {
 *     ModelMemory memory = ModelMemory.of(model);   // quantized as read: the dense model never existed
 * }
 * try (CausalLM model = CausalLM.load(dir)) {
 *     ModelMemory memory = Quantizer.quantize(model, QuantConfig.nf4()); // an already loaded model
 * }
 * }</pre>
 */
public final class Quantizer {
    private Quantizer() {
    }

    /**
     * Loads a model with its projections quantized as they are read, as {@code from_pretrained(dir,
     * quantization_config=...)} does: each projection goes file → float32 values →
     * {@link QuantizedTensor} while the model loads, a few MiB of float32 values at a time, so the
     * dense model never exists (nor does any whole dense projection). Embeddings, norms, biases and the modules the config skips
     * ({@code lm_head} by default) load dense in {@code options}' dtype, as bitsandbytes leaves them
     * in the stored 16 bits. The codes and scales are those of {@link #quantize} on the same
     * model loaded in float32.
     *
     * @param options device and dtype of the dense parts; it must not carry a projection loader
     */
    public static CausalLM load(Path dir, QuantConfig config, LoadOptions options) {
        if (options.projectionLoader().isPresent()) {
            throw new IllegalArgumentException("Quantizer.load installs its own projection loader; the options "
                    + "already carry one");
        }
        CausalLM model = CausalLM.load(dir, options.toBuilder().projectionLoader(source -> {
            if (config.skips(source.module())) {
                return null;
            }
            QuantizedTensor q = QuantizedTensor.quantize(source.module(), new Shape(source.shape()), source::read,
                    config, source.manager());
            return new QuantizedLinear(source.module(), q, source.bias(), config.computeDtype());
        }).build());
        // Quantizing from Java float arrays leaves the heap grown by its garbage (a 50 M shape: 70 MiB
        // of resident memory); a full collection lets G1 give those pages back before training.
        System.gc();
        return model;
    }

    /**
     * Quantizes the model in place; call it before adding adapters.
     *
     * @return the model's weight memory afterwards
     */
    public static ModelMemory quantize(CausalLM model, QuantConfig config) {
        Transformer transformer = model.transformer();
        transformer.replaceProjections(p -> {
            if (p instanceof QuantizedLinear || config.skips(p.name())) {
                return p;
            }
            if (!(p instanceof Linear dense)) {
                throw new IllegalStateException(p.name() + " is already wrapped (" + p.getClass().getSimpleName()
                        + "): quantize the base model before adding adapters");
            }
            QuantizedLinear quantized = QuantizedLinear.of(dense, config, model.manager());
            // A tied lm_head's weight is the embedding's, stored under the embedding's name: it stays.
            NDArray freed = transformer.releaseParameter(p.name() + ".weight");
            if (freed != null) {
                freed.close();
            }
            return quantized;
        });
        return ModelMemory.of(model);
    }
}
