package io.tunebook.export;

import io.tunebook.model.safetensors.Half;
import java.nio.ByteBuffer;

/**
 * ggml's reference quantizers ({@code quantize_row_*_ref} of ggml-quants.c), written from their
 * definition: the same block layouts, the same scale searches and the same rounding
 * ({@code nearest_int}: round half to even through float32 arithmetic), so a block decodes in
 * llama.cpp to what llama-quantize would have written. Every method encodes {@code n} weights (a
 * whole number of blocks) from {@code x[offset]} into {@code out}, which must be little-endian.
 */
final class Quants {
    private static final int QK = 32;
    private static final int QK_K = 256;
    private static final float GROUP_MAX_EPS = 1e-15f;

    private Quants() {
    }

    /** ggml's {@code nearest_int}: rounds half to even, as adding 1.5 * 2^23 in float32 does. */
    static int nearestInt(float v) {
        float shifted = v + 12582912.f;
        return (Float.floatToRawIntBits(shifted) & 0x007fffff) - 0x00400000;
    }

    /** C's {@code roundf}: half away from zero (Java's Math.round takes -2.5 to -2). */
    private static int roundf(float v) {
        return v < 0 ? -Math.round(-v) : Math.round(v);
    }

    static void f16(float[] x, int offset, int n, ByteBuffer out) {
        for (int i = 0; i < n; i++) {
            out.putShort(Half.floatToF16(x[offset + i]));
        }
    }

    static void bf16(float[] x, int offset, int n, ByteBuffer out) {
        for (int i = 0; i < n; i++) {
            out.putShort(Half.floatToBf16(x[offset + i]));
        }
    }

    /** Q8_0: d = amax / 127, q = round(x / d), as {@code roundf} (half away from zero). */
    static void q8_0(float[] x, int offset, int n, ByteBuffer out) {
        for (int b = offset; b < offset + n; b += QK) {
            float amax = 0;
            for (int j = 0; j < QK; j++) {
                amax = Math.max(amax, Math.abs(x[b + j]));
            }
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            out.putShort(Half.floatToF16(d));
            for (int j = 0; j < QK; j++) {
                out.put((byte) roundf(x[b + j] * id));
            }
        }
    }

    /** The value of largest magnitude in a block, keeping its sign (the first one on ties). */
    private static float signedMax(float[] x, int b, int n) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < n; j++) {
            float v = x[b + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    /** Q4_0: d = max / -8, q = min(15, (int8) (x / d + 8.5)); weights j and j + 16 share a byte. */
    static void q4_0(float[] x, int offset, int n, ByteBuffer out) {
        for (int b = offset; b < offset + n; b += QK) {
            float d = signedMax(x, b, QK) / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            out.putShort(Half.floatToF16(d));
            for (int j = 0; j < QK / 2; j++) {
                int q0 = Math.min(15, (byte) (int) (x[b + j] * id + 8.5f));
                int q1 = Math.min(15, (byte) (int) (x[b + QK / 2 + j] * id + 8.5f));
                out.put((byte) (q0 | (q1 << 4)));
            }
        }
    }

    /** Q5_0: d = max / -16, q = min(31, (int8) (x / d + 16.5)); low nibbles as Q4_0, fifth bits in a uint32. */
    static void q5_0(float[] x, int offset, int n, ByteBuffer out) {
        byte[] qs = new byte[QK / 2];
        for (int b = offset; b < offset + n; b += QK) {
            float d = signedMax(x, b, QK) / -16;
            float id = d != 0 ? 1.0f / d : 0.0f;
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q0 = Math.min(31, (byte) (int) (x[b + j] * id + 16.5f));
                int q1 = Math.min(31, (byte) (int) (x[b + QK / 2 + j] * id + 16.5f));
                qs[j] = (byte) ((q0 & 0xf) | ((q1 & 0xf) << 4));
                qh |= ((q0 & 0x10) >>> 4) << j;
                qh |= ((q1 & 0x10) >>> 4) << (j + QK / 2);
            }
            out.putShort(Half.floatToF16(d));
            out.putInt(qh);
            out.put(qs);
        }
    }

    /**
     * {@code make_qkx2_quants}: the scale and (negated) minimum of an asymmetric {@code nmax}-level
     * quantization of {@code x[b .. b+n)} under {@code weights}, searching {@code nstep + 1} scales
     * around the range's; the levels go to {@code levels}. Returns {scale, -min}.
     */
    private static float[] makeQkx2Quants(int n, int nmax, float[] x, int b, float[] weights, int[] levels, int lo,
            float rmin, float rdelta, int nstep) {
        float min = x[b];
        float max = x[b];
        float sumW = weights[0];
        float sumX = sumW * x[b];
        for (int i = 1; i < n; i++) {
            min = Math.min(min, x[b + i]);
            max = Math.max(max, x[b + i]);
            float w = weights[i];
            sumW += w;
            sumX += w * x[b + i];
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            for (int i = 0; i < n; i++) {
                levels[lo + i] = 0;
            }
            return new float[] {0.f, -min};
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[b + i] - min))));
            levels[lo + i] = l;
            float diff = scale * l + min - x[b + i];
            bestError += weights[i] * diff * diff;
        }
        int[] aux = new int[n];
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXl = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[b + i] - min))));
                aux[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXl += w * l * x[b + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXl - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXl) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[b + i];
                    curError += weights[i] * diff * diff;
                }
                if (curError < bestError) {
                    System.arraycopy(aux, 0, levels, lo, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        return new float[] {scale, -min};
    }

    /**
     * Q4_K: each super-block of 256 has 8 sub-blocks of 32 with their own 6-bit scale and min
     * ({@code make_qkx2_quants}, weights {@code rms + |x|}), relative to the fp16 {@code d} and
     * {@code dmin}; codes are 4 bits, two sub-blocks interleaved per 32 bytes.
     */
    static void q4K(float[] x, int offset, int n, ByteBuffer out) {
        int[] levels = new int[QK_K];
        float[] weights = new float[32];
        float[] scales = new float[8];
        float[] mins = new float[8];
        byte[] packed = new byte[12];
        for (int b = offset; b < offset + n; b += QK_K) {
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 8; j++) {
                float sumX2 = 0;
                for (int l = 0; l < 32; l++) {
                    sumX2 += x[b + 32 * j + l] * x[b + 32 * j + l];
                }
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; l++) {
                    weights[l] = avX + Math.abs(x[b + 32 * j + l]);
                }
                float[] sm = makeQkx2Quants(32, 15, x, b + 32 * j, weights, levels, 32 * j, -1.f, 0.1f, 20);
                scales[j] = sm[0];
                mins[j] = sm[1];
                maxScale = Math.max(maxScale, scales[j]);
                maxMin = Math.max(maxMin, mins[j]);
            }
            float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
            float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
            java.util.Arrays.fill(packed, (byte) 0);
            for (int j = 0; j < 8; j++) {
                int ls = Math.min(63, nearestInt(invScale * scales[j]));
                int lm = Math.min(63, nearestInt(invMin * mins[j]));
                if (j < 4) {
                    packed[j] = (byte) ls;
                    packed[j + 4] = (byte) lm;
                } else {
                    packed[j + 4] = (byte) ((ls & 0xf) | ((lm & 0xf) << 4));
                    packed[j - 4] |= (byte) ((ls >> 4) << 6);
                    packed[j] |= (byte) ((lm >> 4) << 6);
                }
            }
            short dBits = Half.floatToF16(maxScale / 63.f);
            short dminBits = Half.floatToF16(maxMin / 63.f);
            float dAll = Half.f16ToFloat(dBits);
            float dminAll = Half.f16ToFloat(dminBits);
            for (int j = 0; j < 8; j++) {
                int sc;
                int m;
                if (j < 4) {
                    sc = packed[j] & 63;
                    m = packed[j + 4] & 63;
                } else {
                    sc = (packed[j + 4] & 0xf) | (((packed[j - 4] & 0xff) >> 6) << 4);
                    m = ((packed[j + 4] & 0xff) >> 4) | (((packed[j] & 0xff) >> 6) << 4);
                }
                float d = dAll * sc;
                if (d == 0) {
                    continue;
                }
                float dm = dminAll * m;
                for (int ii = 0; ii < 32; ii++) {
                    levels[32 * j + ii] = Math.max(0, Math.min(15, nearestInt((x[b + 32 * j + ii] + dm) / d)));
                }
            }
            out.putShort(dBits);
            out.putShort(dminBits);
            out.put(packed);
            for (int j = 0; j < QK_K; j += 64) {
                for (int l = 0; l < 32; l++) {
                    out.put((byte) (levels[j + l] | (levels[j + l + 32] << 4)));
                }
            }
        }
    }

    /**
     * {@code make_qx_quants} with {@code rmse_type} 1 (weights x²): the scale of a symmetric
     * quantization to [-nmax, nmax - 1] of {@code x[b .. b+n)}, searched over 18 scales near
     * {@code -nmax / max}; levels (offset by nmax) go to {@code levels}.
     */
    private static float makeQxQuants(int n, int nmax, float[] x, int b, int[] levels, int lo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[b + i]);
            if (ax > amax) {
                amax = ax;
                max = x[b + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) {
                levels[lo + i] = 0;
            }
            return 0.f;
        }
        float iscale = -nmax / max;
        float sumLx = 0;
        float sumL2 = 0;
        for (int i = 0; i < n; i++) {
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[b + i])));
            levels[lo + i] = l + nmax;
            float w = x[b + i] * x[b + i];
            sumLx += w * x[b + i] * l;
            sumL2 += w * l * l;
        }
        float scale = sumL2 != 0 ? sumLx / sumL2 : 0.0f;
        float best = scale * sumLx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumLx = 0;
            sumL2 = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[b + i])));
                float w = x[b + i] * x[b + i];
                sumLx += w * x[b + i] * l;
                sumL2 += w * l * l;
            }
            if (sumL2 > 0 && sumLx * sumLx > best * sumL2) {
                for (int i = 0; i < n; i++) {
                    levels[lo + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[b + i])));
                }
                scale = sumLx / sumL2;
                best = scale * sumLx;
            }
        }
        return scale;
    }

    /**
     * Q6_K: each super-block of 256 has 16 sub-blocks of 16 with a signed 8-bit scale relative to
     * the fp16 {@code d}; codes are 6 bits, their low 4 bits in {@code ql} and high 2 in {@code qh}.
     */
    static void q6K(float[] x, int offset, int n, ByteBuffer out) {
        int[] levels = new int[QK_K];
        float[] scales = new float[16];
        byte[] ql = new byte[128];
        byte[] qh = new byte[64];
        byte[] sc = new byte[16];
        for (int b = offset; b < offset + n; b += QK_K) {
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < 16; ib++) {
                float scale = makeQxQuants(16, 32, x, b + 16 * ib, levels, 16 * ib);
                scales[ib] = scale;
                if (Math.abs(scale) > maxAbsScale) {
                    maxAbsScale = Math.abs(scale);
                    maxScale = scale;
                }
            }
            if (maxAbsScale < GROUP_MAX_EPS) {
                out.put(new byte[208]);
                out.putShort(Half.floatToF16(0));
                continue;
            }
            float iscale = -128.f / maxScale;
            short dBits = Half.floatToF16(1 / iscale);
            float dAll = Half.f16ToFloat(dBits);
            for (int ib = 0; ib < 16; ib++) {
                sc[ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
            }
            for (int j = 0; j < 16; j++) {
                float d = dAll * sc[j];
                if (d == 0) {
                    continue;
                }
                for (int ii = 0; ii < 16; ii++) {
                    int l = Math.max(-32, Math.min(31, nearestInt(x[b + 16 * j + ii] / d)));
                    levels[16 * j + ii] = l + 32;
                }
            }
            for (int j = 0, qlo = 0, qho = 0; j < QK_K; j += 128, qlo += 64, qho += 32) {
                for (int l = 0; l < 32; l++) {
                    int q1 = levels[j + l] & 0xf;
                    int q2 = levels[j + l + 32] & 0xf;
                    int q3 = levels[j + l + 64] & 0xf;
                    int q4 = levels[j + l + 96] & 0xf;
                    ql[qlo + l] = (byte) (q1 | (q3 << 4));
                    ql[qlo + l + 32] = (byte) (q2 | (q4 << 4));
                    qh[qho + l] = (byte) ((levels[j + l] >> 4) | ((levels[j + l + 32] >> 4) << 2)
                            | ((levels[j + l + 64] >> 4) << 4) | ((levels[j + l + 96] >> 4) << 6));
                }
            }
            out.put(ql);
            out.put(qh);
            out.put(sc);
            out.putShort(dBits);
        }
    }
}
