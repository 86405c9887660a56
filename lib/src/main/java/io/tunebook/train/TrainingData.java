package io.tunebook.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The training micro-batches of a run, epoch by epoch. Each epoch's order is a pure function of
 * the seed and the epoch number, so a resumed run sees exactly the batches the uninterrupted one
 * would have seen.
 */
public interface TrainingData {
    /** Micro-batches in one epoch; 0 for an endless stream (the run then needs {@code maxSteps}). */
    int batchesPerEpoch();

    /** A fresh source over one epoch, in that epoch's seeded order. */
    BatchSource epoch(int epoch);

    /** A fixed list of batches, reshuffled at every epoch. */
    static TrainingData shuffled(List<Batch> batches, long seed) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("no training batches: the training split is empty");
        }
        List<Batch> fixed = List.copyOf(batches);
        return new TrainingData() {
            @Override
            public int batchesPerEpoch() {
                return fixed.size();
            }

            @Override
            public BatchSource epoch(int epoch) {
                List<Batch> order = new ArrayList<>(fixed);
                Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
                int[] next = {0};
                return () -> order.get(next[0]++);
            }
        };
    }

    /** An endless stream such as pretraining windows; {@code streams} must give the same stream each time. */
    static TrainingData endless(Supplier<BatchSource> streams) {
        return new TrainingData() {
            @Override
            public int batchesPerEpoch() {
                return 0;
            }

            @Override
            public BatchSource epoch(int epoch) {
                return streams.get();
            }
        };
    }
}
