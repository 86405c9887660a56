package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tunebook.model.safetensors.CheckpointReader;
import io.tunebook.model.safetensors.ChunkBuffers;
import io.tunebook.model.safetensors.Dtype;
import java.io.IOException;

/**
 * One projection of a checkpoint being loaded, offered to a {@link ProjectionLoader}: where it
 * goes, its shape, its (already loaded, float32) bias, and its weight readable as float32 rows
 * straight from the file.
 */
public final class ProjectionSource {
    private final String module;
    private final String tensor;
    private final long[] shape;
    private final NDArray bias;
    private final NDManager manager;
    private final CheckpointReader reader;
    private final ChunkBuffers buffers;

    ProjectionSource(String module, String tensor, long[] shape, NDArray bias, NDManager manager,
            CheckpointReader reader, ChunkBuffers buffers) {
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

    /** The checkpoint tensor holding the weight (the embedding's for a tied lm_head). */
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
     * Rows {@code [first, first + count)} of the weight as row-major float32, converted from the
     * file's dtype exactly as a float32 load would.
     */
    public float[] readRows(long first, int count) throws IOException {
        long in = shape[1];
        float[] out = new float[Math.toIntExact(Math.multiplyExact(count, in))];
        long start = first * in;
        reader.readChunks(tensor, Dtype.F32, start, out.length, buffers,
                (chunk, at, n) -> chunk.asFloatBuffer().get(out, (int) (at - start), n));
        return out;
    }

    /** The whole weight as row-major float32. */
    public float[] readAll() throws IOException {
        return readRows(0, Math.toIntExact(shape[0]));
    }
}
