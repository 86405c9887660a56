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
}
