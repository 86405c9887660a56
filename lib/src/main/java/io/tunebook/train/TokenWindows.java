package io.tunebook.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Pretraining batches: windows of {@code length} consecutive tokens from a token stream, at random
 * offsets drawn from a seeded generator (as nanoGPT does), labels equal to the inputs.
 */
public final class TokenWindows implements BatchSource {
    private final int[] tokens;
    private final int from;
    private final int to;
    private final int batchSize;
    private final int length;
    private final Random random;

    /** Windows lie entirely within {@code tokens[from, to)}. */
    public TokenWindows(int[] tokens, int from, int to, int batchSize, int length, long seed) {
        if (to - from <= length) {
            throw new IllegalArgumentException("need more than " + length + " tokens to cut windows, got " + (to - from));
        }
        this.tokens = tokens;
        this.from = from;
        this.to = to;
        this.batchSize = batchSize;
        this.length = length;
        this.random = new Random(seed);
    }

    @Override
    public Batch next() {
        long[][] rows = new long[batchSize][];
        for (int b = 0; b < batchSize; b++) {
            rows[b] = window(from + random.nextInt(to - from - length));
        }
        return new Batch(rows, rows);
    }

    /** Consecutive non-overlapping windows from the start of the range: a fixed validation set. */
    public List<Batch> sequential(int maxBatches) {
        List<Batch> out = new ArrayList<>();
        int offset = from;
        while (out.size() < maxBatches && offset + (long) batchSize * length <= to) {
            long[][] rows = new long[batchSize][];
            for (int b = 0; b < batchSize; b++) {
                rows[b] = window(offset);
                offset += length;
            }
            out.add(new Batch(rows, rows));
        }
        return out;
    }

    private long[] window(int start) {
        long[] w = new long[length];
        for (int i = 0; i < length; i++) {
            w[i] = tokens[start + i];
        }
        return w;
    }
}
