package io.tunebook.model.safetensors;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Converts runs of little-endian floating-point elements to float32 or float16 in native order:
 * the one place the streaming reads and {@link Float32Decoder} widen or narrow elements.
 */
final class ElementConverter {
    /** The largest finite float16, 65504: bigger finite values have no float16 form but infinity. */
    private static final float F16_MAX = 65504f;

    private ElementConverter() {}

    /**
     * Converts {@code count} elements of {@code source} from {@code in} (little-endian, from its
     * position) to {@code target} ({@link Dtype#F32} or {@link Dtype#F16}) written at {@code out}'s
     * position on, in {@code out}'s order. Widening to float32 is exact for F16 and BF16; narrowing
     * to float16 rounds to nearest even, so a BF16 value in float16's normal range
     * [2^-14, 65504] is kept exactly and a smaller one lands on a float16 subnormal (error at most
     * 2^-25).
     *
     * @param firstElement index of the first element within the tensor, for error messages
     * @throws SafetensorsException naming the file, tensor and element when a finite value is beyond
     *     float16's range: storing it as infinity would silently poison every logit it touches
     */
    static void convert(Dtype source, Dtype target, ByteBuffer in, ByteBuffer out, int count, Path file,
            String tensor, long firstElement) throws SafetensorsException {
        int base = in.position();
        if (target == Dtype.F32) {
            for (int i = 0; i < count; i++) {
                out.putFloat(toFloat(source, in, base, i));
            }
            return;
        }
        if (target != Dtype.F16) {
            throw new IllegalArgumentException("elements convert to F32 or F16, not " + target);
        }
        if (source == Dtype.F16) {
            for (int i = 0; i < count; i++) {
                out.putShort(in.getShort(base + 2 * i));
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            float f = toFloat(source, in, base, i);
            if (Math.abs(f) > F16_MAX && !Float.isInfinite(f)) {
                throw new SafetensorsException(file, tensor, source + " value " + f + " at element "
                        + (firstElement + i) + " is beyond float16's range (±65504); load this model with dtype"
                        + " float32");
            }
            out.putShort(Half.floatToF16(f));
        }
    }

    private static float toFloat(Dtype source, ByteBuffer in, int base, int i) {
        return switch (source) {
            case F32 -> in.getFloat(base + 4 * i);
            case F64 -> (float) in.getDouble(base + 8 * i);
            case F16 -> Half.f16ToFloat(in.getShort(base + 2 * i));
            case BF16 -> Half.bf16ToFloat(in.getShort(base + 2 * i));
            default -> throw new IllegalArgumentException(source + " is not a float type");
        };
    }
}
