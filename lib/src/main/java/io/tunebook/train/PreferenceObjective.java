package io.tunebook.train;

import ai.djl.ndarray.NDManager;
import io.tunebook.model.CausalLM;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link PreferenceLoss} run by the {@link Trainer} on {@link PreferenceData} batches (chosen rows,
 * then rejected rows): each row's summed log-probability comes from {@link Backprop}'s first look
 * at the head, the loss's derivatives become the scales of the rows in its backward. Reference
 * log-probabilities are computed once per sequence, with the model in its reference state
 * ({@link TrainableModel#reference()}), before the first step (of a run or of a resumed one: the
 * reference never trains, so they come out the same), and kept by the sequence's tokens, which
 * makes them independent of batching and padding.
 */
final class PreferenceObjective {
    private final PreferenceLoss loss;
    private final Map<Sequence, Double> referenceNll = new HashMap<>();
    private final Map<String, Double> sums = new LinkedHashMap<>();
    private double weight;

    PreferenceObjective(PreferenceLoss loss) {
        this.loss = loss;
    }

    PreferenceLoss loss() {
        return loss;
    }

    /** Pairs in a batch of preference rows. */
    static int pairs(Batch b) {
        if (b.rows() % 2 != 0 || b.isPacked()) {
            throw new IllegalArgumentException("a preference batch holds chosen rows then as many rejected rows, "
                    + "unpacked (PreferenceData makes them), got " + b.rows() + " rows");
        }
        return b.rows() / 2;
    }

    /** Computes the reference log-probabilities of the sequences of {@code batches} not seen yet. */
    void precompute(TrainableModel trainee, Backprop backprop, Iterable<Batch> batches) {
        if (!loss.needsReference()) {
            return;
        }
        CausalLM model = trainee.model();
        trainee.setTraining(false);
        try (AutoCloseable reference = trainee.reference()) {
            for (Batch b : batches) {
                pairs(b);
                if (Arrays.stream(rows(b)).allMatch(referenceNll::containsKey)) {
                    continue;
                }
                Sequence[] keys = rows(b);
                try (NDManager m = model.manager().newSubManager()) {
                    backprop.loss(b, m, nll -> {
                        for (int i = 0; i < keys.length; i++) {
                            referenceNll.put(keys[i], nll[i]);
                        }
                        return new float[nll.length];
                    });
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not leave the reference state: " + e.getMessage(), e);
        } finally {
            trainee.setTraining(true);
        }
    }

    /**
     * The objective of one micro-batch, its loss and metrics weighted by {@code scale} (its share of the
     * step's pairs) into this objective's running sums.
     */
    Backprop.SequenceObjective of(Batch b, double scale) {
        int n = pairs(b);
        long[] tokens = tokens(b.labels());
        double[] refChosen = new double[n];
        double[] refRejected = new double[n];
        if (loss.needsReference()) {
            Sequence[] keys = rows(b);
            for (int i = 0; i < n; i++) {
                refChosen[i] = -reference(keys[i]);
                refRejected[i] = -reference(keys[n + i]);
            }
        }
        return nll -> {
            double[] chosen = new double[n];
            double[] rejected = new double[n];
            for (int i = 0; i < n; i++) {
                chosen[i] = -nll[i];
                rejected[i] = -nll[n + i];
            }
            PreferenceLoss.Result r = loss.compute(chosen, rejected, Arrays.copyOfRange(tokens, 0, n),
                    Arrays.copyOfRange(tokens, n, 2 * n), refChosen, refRejected);
            sums.merge("loss", r.loss() * scale, Double::sum);
            r.metrics().forEach((k, v) -> sums.merge(k, v * scale, Double::sum));
            weight += scale;
            float[] rowScale = new float[2 * n];
            for (int i = 0; i < n; i++) {
                // logp = -nll: the loss's derivative in a row's nll is minus that in its log-probability.
                rowScale[i] = (float) (-r.dChosen()[i] * scale);
                rowScale[n + i] = (float) (-r.dRejected()[i] * scale);
            }
            return rowScale;
        };
    }

    private double reference(Sequence key) {
        Double v = referenceNll.get(key);
        if (v == null) {
            throw new IllegalStateException("no reference log-probability for a sequence of this batch: "
                    + "the training data changed after the reference was computed");
        }
        return v;
    }

    /** The weighted means of loss and metrics since the last call, which starts new sums. */
    Map<String, Double> drain() {
        Map<String, Double> out = new LinkedHashMap<>();
        double w = weight;
        sums.forEach((k, v) -> out.put(k, v / w));
        sums.clear();
        weight = 0;
        return out;
    }

    /** Evaluation: the pair-weighted mean loss and metrics over {@code batches}, with dropout off. */
    Map<String, Double> evaluate(Backprop backprop, List<Batch> batches, NDManager parent) {
        drain();
        int total = 0;
        for (Batch b : batches) {
            total += pairs(b);
        }
        for (Batch b : batches) {
            try (NDManager m = parent.newSubManager()) {
                backprop.loss(b, m, of(b, (double) pairs(b) / total));
            }
        }
        return drain();
    }

    private static long[] tokens(long[][] labels) {
        long[] out = new long[labels.length];
        for (int r = 0; r < labels.length; r++) {
            out[r] = CausalLmLoss.countedTokens(new long[][] {labels[r]});
        }
        return out;
    }

    private static Sequence[] rows(Batch b) {
        Sequence[] keys = new Sequence[b.rows()];
        for (int r = 0; r < keys.length; r++) {
            keys[r] = Sequence.of(b.inputIds()[r], b.labels()[r]);
        }
        return keys;
    }

    /** A row without its trailing padding: the ids and labels that decide its log-probability. */
    private record Sequence(long[] ids, long[] labels) {
        static Sequence of(long[] ids, long[] labels) {
            int end = labels.length;
            while (end > 0 && labels[end - 1] == CausalLmLoss.IGNORE_INDEX) {
                end--;
            }
            return new Sequence(Arrays.copyOf(ids, end), Arrays.copyOf(labels, end));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sequence s && Arrays.equals(ids, s.ids) && Arrays.equals(labels, s.labels);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(ids) + Arrays.hashCode(labels);
        }
    }
}
