package io.tunebook.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Receives a tensor streamed in order by {@link SafetensorsFile#readChunks}, one chunk at a time. */
@FunctionalInterface
public interface ChunkConsumer {
    /**
     * @param chunk {@code count} elements in the requested dtype and native order, from position 0
     *     to the limit; the buffer is reused for the next chunk, so copy what must outlive this call
     * @param firstElement index in the tensor (flattened, row-major) of the chunk's first element
     */
    void accept(ByteBuffer chunk, long firstElement, int count) throws IOException;
}
