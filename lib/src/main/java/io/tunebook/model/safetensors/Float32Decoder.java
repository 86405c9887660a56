package io.tunebook.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads a floating-point tensor from a file into float32. The source is converted in bounded
 * chunks so a 2 GiB bf16 tensor never needs a second 2 GiB staging buffer.
 */
final class Float32Decoder {
    private static final int CHUNK_BYTES = 1 << 20;

    private Float32Decoder() {}

    /**
     * Fills {@code out} (native order, {@code numel * 4} bytes remaining) with the tensor found at
     * absolute file position {@code position}.
     */
    static void decode(FileChannel channel, long position, TensorEntry entry, ByteBuffer out, Path file)
            throws IOException {
        if (entry.dtype() == Dtype.F32 && out.order() == ByteOrder.LITTLE_ENDIAN) {
            ChannelReads.readFully(channel, out.duplicate(), position, file, entry.name());
            return;
        }
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, entry.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer dst = out.duplicate().order(out.order());
        int elementSize = entry.dtype().byteSize();
        long done = 0;
        while (done < entry.byteSize()) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), entry.byteSize() - done));
            ChannelReads.readFully(channel, chunk, position + done, file, entry.name());
            chunk.flip();
            int count = chunk.remaining() / elementSize;
            ElementConverter.convert(entry.dtype(), Dtype.F32, chunk, dst, count, file, entry.name(),
                    done / elementSize);
            done += chunk.limit();
        }
    }
}
