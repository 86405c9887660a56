package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tunebook.model.safetensors.WeightFiles;
import io.tunebook.model.safetensors.ChunkBuffers;
import io.tunebook.model.safetensors.Dtype;
import java.io.IOException;

/**
 * One projection of a model being loaded, offered to a {@link ProjectionLoader}: where it
 * goes, its shape, its (already loaded, float32) bias, and its weight readable as float32 values,
 * a run at a time, straight from the file.
 */
public final class ProjectionSource {
    private final String module;
    private final String tensor;
    private final long[] shape;
    private final NDArray bias;
    private final NDManager manager;
    private final WeightFiles reader;
    private final ChunkBuffers buffers;

    ProjectionSource(String module, String tensor, long[] shape, NDArray bias, NDManager manager,
            WeightFiles reader, ChunkBuffers buffers) {
        this.module = module;
        this.tensor = tensor;
        this.shape = shape.clone();
        this.bias = bias;
        this.manager = manager;
        this.reader = reader;
        this.buffers = buffers;
    }

    /** Module path in Hugging Face naming, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public String module() {
        return module;
    }

    /** The stored tensor holding the weight (the embedding's for a tied lm_head). */
    public String tensor() {
        return tensor;
    }

    /** {@code [out, in]}. */
    public long[] shape() {
        return shape.clone();
    }

    /** The float32 bias, a parameter of the model, or null. */
    public NDArray bias() {
        return bias;
    }

    /** The model's manager: arrays the built layer keeps belong on it (or on a sub-manager of it). */
    public NDManager manager() {
        return manager;
    }

    /**
     * Fills {@code dst[0, count)} with the weight's values at flat (row-major) indices
     * {@code [first, first + count)} as float32, converted from the file's dtype exactly as a
     * float32 load converts them; any run may be read, in any order.
     */
    public void read(long first, float[] dst, int count) throws IOException {
        reader.readChunks(tensor, Dtype.F32, first, count, buffers,
                (chunk, at, n) -> chunk.asFloatBuffer().get(dst, (int) (at - first), n));
    }

    /** The whole weight as row-major float32 (a projection of up to 2^31 - 1 values). */
    public float[] readAll() throws IOException {
        float[] out = new float[Math.toIntExact(Math.multiplyExact(shape[0], shape[1]))];
        read(0, out, out.length);
        return out;
    }
}
