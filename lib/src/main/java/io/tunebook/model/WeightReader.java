package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.safetensors.WeightFiles;
import io.tunebook.model.safetensors.ChunkBuffers;
import io.tunebook.model.safetensors.Dtype;
import java.io.IOException;

/**
 * Reads weight tensors one at a time into arrays that PyTorch owns, streaming each through
 * fixed-size chunks: the array is allocated once, uninitialised, in its final dtype, and each chunk
 * is copied into its slice. No Java buffer ever holds a whole tensor, so a tensor may exceed the
 * 2 GiB of a ByteBuffer and a load's peak is the weights plus a fixed few tens of MiB, not twice the
 * weights.
 */
final class WeightReader {
    private final WeightFiles reader;
    private final ChunkBuffers buffers;

    WeightReader(WeightFiles reader, ChunkBuffers buffers) {
        this.reader = reader;
        this.buffers = buffers;
    }

    WeightFiles files() {
        return reader;
    }

    ChunkBuffers buffers() {
        return buffers;
    }

    /**
     * The tensor as a {@code storage} array (FLOAT32 or FLOAT16) of its stored shape on
     * {@code manager}; see {@code ElementConverter} for how values are converted.
     */
    NDArray read(String name, DataType storage, NDManager manager) throws IOException {
        Dtype target = switch (storage) {
            case FLOAT32 -> Dtype.F32;
            case FLOAT16 -> Dtype.F16;
            default -> throw new IllegalArgumentException("weights are held as FLOAT32 or FLOAT16, not " + storage);
        };
        long[] shape = reader.entry(name).shape();
        long numel = new Shape(shape).size();
        NDArray flat = manager.create(new Shape(numel), storage);
        try {
            reader.readChunks(name, target, 0, numel, buffers, (chunk, first, count) -> {
                // The chunk array wraps the reused buffer; set copies it into the slice before the
                // buffer is refilled, and closing the sub-manager frees the wrapper at once.
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray part = scratch.create(chunk, new Shape(count), storage);
                    flat.set(new NDIndex().addSliceDim(first, first + count), part);
                }
            });
            NDArray weight = flat.reshape(new Shape(shape));
            weight.setName(name);
            return weight;
        } finally {
            flat.close(); // the reshaped view keeps the storage alive
        }
    }
}
