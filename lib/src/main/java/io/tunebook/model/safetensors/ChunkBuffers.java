package io.tunebook.model.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The two reusable direct buffers of streamed reads: file bytes, and the same elements converted.
 * Reusing them across the tensors of a model keeps a load's overhead fixed at about three times
 * {@code chunkBytes}, however large the tensors are. Not for concurrent use.
 */
public final class ChunkBuffers {
    /** 16 MiB of file per read: large enough for full-speed reads, small beside any real weight. */
    public static final int DEFAULT_CHUNK_BYTES = 16 << 20;

    private final int chunkBytes;
    private ByteBuffer raw;
    private ByteBuffer converted;

    public ChunkBuffers() {
        this(DEFAULT_CHUNK_BYTES);
    }

    /** @param chunkBytes file bytes per read, at least 8 (one element of any type) */
    public ChunkBuffers(int chunkBytes) {
        if (chunkBytes < 8) {
            throw new IllegalArgumentException("chunkBytes must be at least 8, got " + chunkBytes);
        }
        this.chunkBytes = chunkBytes;
    }

    /** Elements of {@code elementBytes} each that one read takes. */
    int elementsPerChunk(int elementBytes) {
        return chunkBytes / elementBytes;
    }

    ByteBuffer raw() {
        if (raw == null) {
            raw = ByteBuffer.allocateDirect(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        return raw;
    }

    /** Holds a chunk's elements widened to at most 4 bytes each (from 2-byte sources, twice the file bytes). */
    ByteBuffer converted() {
        if (converted == null) {
            converted = ByteBuffer.allocateDirect(2 * chunkBytes).order(ByteOrder.nativeOrder());
        }
        return converted;
    }
}
