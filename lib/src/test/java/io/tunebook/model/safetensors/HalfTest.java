package io.tunebook.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfTest {

    @Test
    void everyBf16PatternSurvivesARoundTripThroughFloat() {
        for (int i = 0; i < 0x10000; i++) {
            int bits = i;
            float f = Half.bf16ToFloat((short) bits);
            short back = Half.floatToBf16(f);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Half.bf16ToFloat(back)), () -> "NaN lost at " + Integer.toHexString(bits));
            } else {
                assertEquals((short) bits, back, () -> "bf16 " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void everyF16PatternSurvivesARoundTripThroughFloat() {
        for (int i = 0; i < 0x10000; i++) {
            int bits = i;
            float f = Half.f16ToFloat((short) bits);
            short back = Half.floatToF16(f);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Half.f16ToFloat(back)), () -> "NaN lost at " + Integer.toHexString(bits));
            } else {
                assertEquals((short) bits, back, () -> "f16 " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void f16DecodesKnownValuesExactly() {
        assertEquals(1.0f, Half.f16ToFloat((short) 0x3c00));
        assertEquals(-2.0f, Half.f16ToFloat((short) 0xc000));
        assertEquals(65504.0f, Half.f16ToFloat((short) 0x7bff));
        assertEquals(0x1p-14f, Half.f16ToFloat((short) 0x0400), "smallest normal");
        assertEquals(0x1p-24f, Half.f16ToFloat((short) 0x0001), "smallest subnormal");
        assertEquals(1023 * 0x1p-24f, Half.f16ToFloat((short) 0x03ff), "largest subnormal");
        assertEquals(Float.POSITIVE_INFINITY, Half.f16ToFloat((short) 0x7c00));
        assertEquals(Float.NEGATIVE_INFINITY, Half.f16ToFloat((short) 0xfc00));
        assertEquals(0x80000000, Float.floatToRawIntBits(Half.f16ToFloat((short) 0x8000)), "-0 keeps its sign");
        assertTrue(Float.isNaN(Half.f16ToFloat((short) 0x7e00)));
    }

    /** Midpoints between neighbouring 16-bit values are exact floats: they must round to the even one. */
    @Test
    void f16RoundsEveryTieToEvenAndEverythingElseToNearest() {
        for (int bits = 0; bits < 0x7c00; bits++) { // each finite magnitude and its upper neighbour
            for (int sign : new int[] {0, 0x8000}) {
                short lo = (short) (bits | sign);
                short hi = (short) ((bits + 1) | sign);
                float mid = (float) ((Half.f16ToFloat(lo) + finite(Half.f16ToFloat(hi), 0x1p16)) / 2);
                short even = (bits & 1) == 0 ? lo : hi;
                assertEquals(even, Half.floatToF16(mid), () -> "tie above f16 " + Integer.toHexString(lo));
                assertEquals(lo, Half.floatToF16(towardZero(mid)), () -> "below the tie above " + Integer.toHexString(lo));
                assertEquals(hi, Half.floatToF16(awayFromZero(mid)), () -> "above the tie above " + Integer.toHexString(lo));
            }
        }
    }

    @Test
    void bf16RoundsEveryTieToEvenAndEverythingElseToNearest() {
        for (int bits = 0; bits < 0x7f80; bits++) {
            for (int sign : new int[] {0, 0x8000}) {
                short lo = (short) (bits | sign);
                short hi = (short) ((bits + 1) | sign);
                float mid = (float) ((Half.bf16ToFloat(lo) + finite(Half.bf16ToFloat(hi), 0x1p128)) / 2);
                short even = (bits & 1) == 0 ? lo : hi;
                assertEquals(even, Half.floatToBf16(mid), () -> "tie above bf16 " + Integer.toHexString(lo));
                assertEquals(lo, Half.floatToBf16(towardZero(mid)), () -> "below the tie above " + Integer.toHexString(lo));
                assertEquals(hi, Half.floatToBf16(awayFromZero(mid)), () -> "above the tie above " + Integer.toHexString(lo));
            }
        }
    }

    @Test
    void f16OverflowsToInfinityFrom65520AndFlushesBelowHalfTheSmallestSubnormal() {
        assertEquals((short) 0x7bff, Half.floatToF16(Math.nextDown(65520f)));
        assertEquals((short) 0x7c00, Half.floatToF16(65520f));
        assertEquals((short) 0xfc00, Half.floatToF16(-Float.MAX_VALUE));
        assertEquals((short) 0x7c00, Half.floatToF16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0x0000, Half.floatToF16(0x1p-25f), "tie between 0 and the smallest subnormal");
        assertEquals((short) 0x0001, Half.floatToF16(Math.nextUp(0x1p-25f)));
        assertEquals((short) 0x8000, Half.floatToF16(-Float.MIN_VALUE), "underflow keeps the sign");
        assertEquals((short) 0x8000, Half.floatToF16(-0.0f));
    }

    @Test
    void bf16OverflowsToInfinityAndKeepsSignedZeroAndSubnormals() {
        assertEquals((short) 0x7f80, Half.floatToBf16(Float.MAX_VALUE), "rounds past the largest bf16");
        assertEquals((short) 0xff80, Half.floatToBf16(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x8000, Half.floatToBf16(-0.0f));
        assertEquals((short) 0x0001, Half.floatToBf16(Float.intBitsToFloat(0x00010000)), "bf16 subnormal");
        assertEquals((short) 0x3f80, Half.floatToBf16(1.0f + 0x1p-8f), "tie rounds down to even");
        assertEquals((short) 0x3f82, Half.floatToBf16(1.0f + 3 * 0x1p-8f), "tie rounds up to even");
    }

    @Test
    void nanStaysNanEvenWhenItsPayloadIsInTheDroppedBits() {
        float lowPayloadNan = Float.intBitsToFloat(0x7f800001); // truncation alone would make infinity
        float negativeNan = Float.intBitsToFloat(0xff800001);
        assertTrue(Float.isNaN(Half.bf16ToFloat(Half.floatToBf16(lowPayloadNan))));
        assertTrue(Float.isNaN(Half.f16ToFloat(Half.floatToF16(lowPayloadNan))));
        assertTrue(Half.floatToBf16(negativeNan) < 0, "sign kept");
        assertTrue(Half.floatToF16(negativeNan) < 0, "sign kept");
        assertTrue(Float.isNaN(Half.f16ToFloat(Half.floatToF16(Float.NaN))));
    }

    /** Infinity stands for the value one step past the largest finite one: rounding treats it so. */
    private static double finite(float f, double pastLargest) {
        return Float.isInfinite(f) ? Math.copySign(pastLargest, f) : f;
    }

    private static float towardZero(float f) {
        return f > 0 ? Math.nextDown(f) : Math.nextUp(f);
    }

    private static float awayFromZero(float f) {
        return f > 0 ? Math.nextUp(f) : Math.nextDown(f);
    }
}
