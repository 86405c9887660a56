package io.tunebook.quant;

import java.util.Arrays;

/**
 * The values a quantization code can take, in [-1, 1], indexed by code. Encoding picks the nearest
 * value; a value exactly halfway between two levels goes to the lower one, as in bitsandbytes' decision
 * trees (strict {@code >} against the midpoints).
 */
public final class CodeBook {
    private final float[] values;
    private final float[] sorted;
    private final int[] codeOfSorted;
    private final float[] midpoints;

    CodeBook(float[] values) {
        this.values = values.clone();
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(values[a], values[b]));
        sorted = new float[values.length];
        codeOfSorted = new int[values.length];
        for (int i = 0; i < order.length; i++) {
            sorted[i] = values[order[i]];
            codeOfSorted[i] = order[i];
        }
        midpoints = new float[values.length - 1];
        for (int i = 0; i < midpoints.length; i++) {
            midpoints[i] = (sorted[i] + sorted[i + 1]) / 2;
        }
    }

    /**
     * bitsandbytes' signed 8-bit dynamic map ({@code create_dynamic_map(signed=True)}): a sign, a
     * run of zero bits giving a decimal exponent from 10^-6 to 10^0, and linear fractions after it,
     * plus 0 and 1. Double quantization encodes the block scales with it.
     */
    static CodeBook dynamic8Bit() {
        int maxExponentBits = 7;
        float[] data = new float[256];
        int n = 0;
        for (int i = 0; i < maxExponentBits; i++) {
            int fractionItems = (1 << i) + 1;
            float[] boundaries = linspace(0.1f, 1f, fractionItems);
            float scale = (float) Math.pow(10, -(maxExponentBits - 1) + i);
            for (int k = 0; k + 1 < boundaries.length; k++) {
                float mean = (boundaries[k] + boundaries[k + 1]) / 2f;
                data[n++] = scale * mean;
                data[n++] = -scale * mean;
            }
        }
        data[n++] = 0f;
        data[n++] = 1f;
        Arrays.sort(data, 0, n);
        return new CodeBook(Arrays.copyOf(data, n));
    }

    /** {@code torch.linspace} in float32: from both ends towards the middle. */
    private static float[] linspace(float start, float end, int steps) {
        float[] out = new float[steps];
        float step = (end - start) / (steps - 1);
        for (int i = 0; i < steps; i++) {
            out[i] = i < steps / 2 ? start + i * step : end - (steps - 1 - i) * step;
        }
        return out;
    }

    public int size() {
        return values.length;
    }

    public float value(int code) {
        return values[code];
    }

    /** The values by code, a copy. */
    public float[] values() {
        return values.clone();
    }

    /** The code whose value is nearest to {@code x} (x already divided by its block's absmax). */
    public int encode(float x) {
        int lo = 0;
        int hi = midpoints.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (x > midpoints[mid]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return codeOfSorted[lo];
    }

    /** Largest distance between two neighbouring levels: twice the worst rounding error inside [-1, 1]. */
    public float largestGap() {
        float gap = 0;
        for (int i = 0; i + 1 < sorted.length; i++) {
            gap = Math.max(gap, sorted[i + 1] - sorted[i]);
        }
        return gap;
    }
}
