package io.tunebook.model.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Encodes float values as the little-endian bytes of a float dtype, for {@link SafetensorsWriter}. */
final class FloatEncoder {
    private FloatEncoder() {}

    /**
     * @throws IllegalArgumentException if {@code target} is not F32, F16, BF16 or F64
     * @throws ArithmeticException if the encoding would exceed 2 GiB - 1 bytes
     */
    static ByteBuffer encode(float[] data, Dtype target) {
        int bytes = Math.multiplyExact(data.length, target.byteSize());
        ByteBuffer out = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (target) {
            case F32 -> out.asFloatBuffer().put(data);
            case F64 -> {
                for (int i = 0; i < data.length; i++) {
                    out.putDouble(i * 8, data[i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < data.length; i++) {
                    out.putShort(i * 2, Half.floatToF16(data[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < data.length; i++) {
                    out.putShort(i * 2, Half.floatToBf16(data[i]));
                }
            }
            default -> throw new IllegalArgumentException("cannot encode floats as " + target);
        }
        return out;
    }
}
