package io.tunebook.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every bfloat16 bit pattern, narrowed to float16 for 16-bit storage. */
class ElementConverterTest {
    private static final Path FILE = Path.of("m.safetensors");

    /**
     * All 65,536 bfloat16 values: those in float16's normal range [2^-14, 65504] are exact, smaller
     * ones are within 2^-25 (half a float16 subnormal step) and round to nearest, infinities and
     * NaN stay what they are, and finite values beyond 65504 are refused with the element's index.
     */
    @Test
    void bfloat16ToFloat16IsExactInTheNormalRangeAndBoundedBelowIt() throws SafetensorsException {
        int exact = 0;
        int subnormal = 0;
        int refused = 0;
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Half.bf16ToFloat((short) bits);
            ByteBuffer in = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) bits).flip();
            ByteBuffer out = ByteBuffer.allocate(2).order(ByteOrder.nativeOrder());
            if (Float.isFinite(f) && Math.abs(f) > 65504f) {
                SafetensorsException e = assertThrows(SafetensorsException.class,
                        () -> ElementConverter.convert(Dtype.BF16, Dtype.F16, in, out, 1, FILE, "w", 41));
                assertTrue(e.getMessage().contains("tensor 'w': BF16 value " + f + " at element 41 is beyond"),
                        e.getMessage());
                refused++;
                continue;
            }
            ElementConverter.convert(Dtype.BF16, Dtype.F16, in, out, 1, FILE, "w", 0);
            float back = Half.f16ToFloat(out.getShort(0));
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(back), Integer.toHexString(bits));
            } else if (Math.abs(f) >= 0x1p-14f || Float.isInfinite(f) || f == 0) {
                assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(back), Integer.toHexString(bits));
                exact++;
            } else {
                float error = Math.abs(back - f);
                assertTrue(error <= 0x1p-25f, Integer.toHexString(bits) + ": " + f + " -> " + back);
                // Nearest: the neighbouring subnormal on the other side is no closer.
                float step = 0x1p-24f;
                assertTrue(error <= Math.abs(back + Math.copySign(step, f - back) - f), Integer.toHexString(bits));
                subnormal++;
            }
        }
        // Per sign: float16's 30 normal exponents (2^-14 .. 2^15; bfloat16's largest below 2^16 is
        // 65280) × 128 bfloat16 mantissas, plus zero and infinity.
        assertEquals(2 * (30 * 128 + 2), exact);
        assertTrue(subnormal > 2 * 100 * 128, "subnormal " + subnormal);
        assertTrue(refused > 0);
    }
}
