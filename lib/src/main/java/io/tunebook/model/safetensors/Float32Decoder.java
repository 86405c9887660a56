package io.tunebook.model.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
        FloatBuffer dst = out.asFloatBuffer();
        int elementSize = entry.dtype().byteSize();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, entry.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] floats = new float[chunk.capacity() / elementSize];
        long done = 0;
        while (done < entry.byteSize()) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), entry.byteSize() - done));
            ChannelReads.readFully(channel, chunk, position + done, file, entry.name());
            chunk.flip();
            int count = chunk.remaining() / elementSize;
            convert(entry.dtype(), chunk, floats, count);
            dst.put(floats, 0, count);
            done += chunk.limit();
        }
    }

    private static void convert(Dtype dtype, ByteBuffer src, float[] dst, int count) {
        switch (dtype) {
            case F32 -> src.asFloatBuffer().get(dst, 0, count);
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dst[i] = (float) src.getDouble(i * 8);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[i] = Half.f16ToFloat(src.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[i] = Half.bf16ToFloat(src.getShort(i * 2));
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is not a float type");
        }
    }
}
