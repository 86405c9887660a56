package io.tunebook.model;

import java.io.IOException;

/**
 * Builds a projection straight from the weight files while a model loads, so that a layer held in
 * another form (quantized) never exists as a dense weight in memory. The model stage only defines
 * this hook; the quant stage implements it ({@code Quantizer.load}).
 */
@FunctionalInterface
public interface ProjectionLoader {
    /**
     * @return the layer for {@code source.module()}, or null to load it dense as usual
     */
    Projection load(ProjectionSource source) throws IOException;
}
