package io.tunebook.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CodeBookTest {

    /** QLoRA (Dettmers et al. 2023), appendix E, and bitsandbytes' {@code get_4bit_type("nf4")}. */
    private static final float[] PUBLISHED_NF4 = {
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f, -0.28444138169288635f,
        -0.18477343022823334f, -0.09105003625154495f, 0.0f, 0.07958029955625534f, 0.16093020141124725f,
        0.24611230194568634f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f,
        0.7229568362236023f, 1.0f};

    @Test
    void nf4IsThePublishedTable() {
        assertArrayEquals(PUBLISHED_NF4, QuantType.NF4.codeBook().values(), 0f);
    }

    /**
     * The published levels are what the paper's recipe gives: normal quantiles at 8 evenly spaced
     * probabilities from 0.9677 down to 0.5 (positive side, exact 0 included) and 7 (negative side),
     * divided by the largest. An independent inverse normal CDF reproduces them to 1e-6.
     */
    @Test
    void nf4LevelsAreNormalQuantiles() {
        double offset = 0.9677083;
        double[] levels = new double[16];
        int n = 0;
        for (int i = 0; i < 8; i++) {
            levels[n++] = inverseNormal(offset + (0.5 - offset) * i / 8.0);
        }
        for (int i = 0; i < 7; i++) {
            levels[n++] = -inverseNormal(offset + (0.5 - offset) * i / 7.0);
        }
        levels[n] = 0;
        Arrays.sort(levels);
        double max = levels[15];
        float[] nf4 = QuantType.NF4.codeBook().values();
        for (int i = 0; i < 16; i++) {
            assertEquals(levels[i] / max, nf4[i], 1e-6, "level " + i);
        }
    }

    @Test
    void fp4IsBitsandbytesE2m1Table() {
        float[] v = QuantType.FP4.codeBook().values();
        // Code 0b0SEM: bitsandbytes' dDequantizeFP4Tree; bit 3 is the sign.
        float[] expected = {0f, 0.00520833f, 0.6666667f, 1f, 0.33333333f, 0.5f, 0.16666667f, 0.25f};
        for (int i = 0; i < 8; i++) {
            assertEquals(expected[i], v[i], 1e-7);
            assertEquals(-expected[i], v[i + 8], 1e-7);
        }
    }

    @Test
    void int8CodesAreSignedBytesOver127() {
        CodeBook b = QuantType.INT8.codeBook();
        assertEquals(256, b.size());
        assertEquals(1f, b.value(127));
        assertEquals(-1f, b.value(0x81));
        assertEquals(0, b.encode(0f));
        assertEquals(0x81, b.encode(-1f));
        assertEquals(64, b.encode(64.4f / 127));
    }

    @Test
    void encodePicksTheNearestLevel() {
        Random r = new Random(1);
        for (QuantType t : QuantType.values()) {
            CodeBook b = t.codeBook();
            for (int k = 0; k < 2000; k++) {
                float x = r.nextFloat() * 2 - 1;
                float best = Float.MAX_VALUE;
                for (float v : b.values()) {
                    best = Math.min(best, Math.abs(v - x));
                }
                assertEquals(best, Math.abs(b.value(b.encode(x)) - x), 0f, t + " at " + x);
            }
        }
    }

    @Test
    void dynamicMapIsBitsandbytesSigned8Bit() {
        CodeBook d = CodeBook.dynamic8Bit();
        float[] v = d.values();
        assertEquals(256, v.length);
        for (int i = 1; i < v.length; i++) {
            assertTrue(v[i - 1] <= v[i]);
        }
        assertEquals(1f, v[255]);
        assertTrue(Arrays.binarySearch(v, 0f) >= 0);
        // Exponent 10^-6 holds one level, the mean of linspace(0.1, 1, 2); 10^0 ends at (1 - 0.9/128).
        assertEquals(0.55e-6f, v[128], 1e-12f);
        assertEquals(-(1 - 0.9f / 128), v[0], 1e-6f);
        assertEquals(0.9f / 64, d.largestGap(), 1e-6f);
    }

    /** Acklam's rational approximation of the normal quantile (relative error below 1.2e-9). */
    static double inverseNormal(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        if (p < 0.02425) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - 0.02425) {
            return -inverseNormal(1 - p);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
