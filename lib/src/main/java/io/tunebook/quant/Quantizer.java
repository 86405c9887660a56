package io.tunebook.quant;

import ai.djl.ndarray.NDArray;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Linear;
import io.tunebook.model.Projection;
import io.tunebook.model.Transformer;

/**
 * Replaces a model's dense projections by quantized ones, as loading with a
 * {@code BitsAndBytesConfig} does: attention and MLP projections are quantized, embeddings and
 * norms stay dense, and so do the modules the config skips ({@code lm_head} by default). The dense
 * weights of quantized layers are freed.
 *
 * <pre>{@code
 * try (CausalLM model = CausalLM.load(dir)) {
 *     ModelMemory memory = Quantizer.quantize(model, QuantConfig.nf4());
 * }
 * }</pre>
 */
public final class Quantizer {
    private Quantizer() {
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
