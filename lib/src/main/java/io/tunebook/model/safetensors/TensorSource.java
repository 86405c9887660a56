package io.tunebook.model.safetensors;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * Produces one tensor's little-endian bytes while {@link SafetensorsWriter#write} runs, so a
 * large model can be saved tensor by tensor without holding every tensor in memory at once.
 */
@FunctionalInterface
public interface TensorSource {
    /**
     * Writes exactly the tensor's declared byte count to {@code out}. Each {@code out.write} call
     * consumes its whole buffer; writing more than declared fails at once. Do not close {@code out}.
     */
    void writeTo(WritableByteChannel out) throws IOException;

    /**
     * The float values {@code values} gives when the tensor is written, stored as {@code dtype} (F32
     * bit-exactly, F16 and BF16 rounded to nearest even, F64 widened).
     */
    static TensorSource floats(java.util.function.Supplier<float[]> values, Dtype dtype) {
        if (!dtype.isFloat32Convertible()) {
            throw new IllegalArgumentException("cannot store floats as " + dtype + " (F32, F16, BF16 or F64 only)");
        }
        return out -> {
            java.nio.ByteBuffer bytes = FloatEncoder.encode(values.get(), dtype);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        };
    }
}
