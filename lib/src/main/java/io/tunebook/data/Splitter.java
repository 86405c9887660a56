package io.tunebook.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Seeded train/validation/test splits: the same seed and the same dataset always give the same
 * split. Validation gets {@code round(n * validation)} examples and test {@code round(n * test)}
 * (at least one each when its fraction is above zero and there are enough examples); the rest is
 * train. Each split keeps the dataset's order.
 *
 * <p>Stratified by a field (an extra field of the rows, such as {@code category}), every value
 * gets the same fractions, as near as whole examples allow; rows without the field form a group
 * of their own.
 *
 * <pre>{@code
 * DatasetSplits s = Splitter.builder().validation(0.1).test(0.1).stratifyBy("category").seed(7).build()
 *         .split(dataset);
 * }</pre>
 */
public final class Splitter {
    private final double validation;
    private final double test;
    private final long seed;
    private final String stratifyBy;

    private Splitter(Builder b) {
        this.validation = b.validation;
        this.test = b.test;
        this.seed = b.seed;
        this.stratifyBy = b.stratifyBy;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double validation() {
        return validation;
    }

    public double test() {
        return test;
    }

    public long seed() {
        return seed;
    }

    /** The field whose values are stratified on; {@code null} when none. */
    public String stratifyBy() {
        return stratifyBy;
    }

    public DatasetSplits split(Dataset dataset) {
        int n = dataset.size();
        Map<String, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String key = stratifyBy == null ? "" : dataset.get(i).extra(stratifyBy).orElse("");
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> members = new ArrayList<>(groups.values());
        Random random = new Random(seed);
        for (List<Integer> g : members) {
            Collections.shuffle(g, random);
        }
        int[] sizes = members.stream().mapToInt(List::size).toArray();
        int nValidation = target(n, validation, 0);
        int[] val = apportion(sizes, new int[sizes.length], nValidation);
        int[] tst = apportion(sizes, val, target(n, test, nValidation));
        List<Integer> trainIdx = new ArrayList<>();
        List<Integer> valIdx = new ArrayList<>();
        List<Integer> testIdx = new ArrayList<>();
        for (int g = 0; g < members.size(); g++) {
            List<Integer> m = members.get(g);
            valIdx.addAll(m.subList(0, val[g]));
            testIdx.addAll(m.subList(val[g], val[g] + tst[g]));
            trainIdx.addAll(m.subList(val[g] + tst[g], m.size()));
        }
        return new DatasetSplits(pick(dataset, trainIdx), pick(dataset, valIdx), pick(dataset, testIdx));
    }

    /**
     * {@code round(n * fraction)}, at least 1 when the fraction is above 0 and at least one
     * example would stay for train, and never more than leaves one for train.
     */
    private static int target(int n, double fraction, int taken) {
        if (fraction <= 0 || n == 0) {
            return 0;
        }
        int k = (int) Math.round(n * fraction);
        int room = n - taken - 1;
        return Math.max(0, Math.min(Math.max(k, 1), room));
    }

    /** Splits {@code total} over groups in proportion to their sizes (largest remainder), within what is left. */
    private static int[] apportion(int[] sizes, int[] taken, int total) {
        int g = sizes.length;
        int[] out = new int[g];
        if (total == 0) {
            return out;
        }
        int n = Arrays.stream(sizes).sum();
        double[] quota = new double[g];
        int given = 0;
        for (int i = 0; i < g; i++) {
            quota[i] = (double) total * sizes[i] / n;
            out[i] = Math.min((int) Math.floor(quota[i]), sizes[i] - taken[i]);
            given += out[i];
        }
        Integer[] order = new Integer[g];
        for (int i = 0; i < g; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(quota[b] - out[b], quota[a] - out[a]);
            return c != 0 ? c : Integer.compare(sizes[b], sizes[a]);
        });
        boolean progress = true;
        while (given < total && progress) {
            progress = false;
            for (int k = 0; k < g && given < total; k++) {
                int i = order[k];
                if (out[i] + taken[i] < sizes[i]) {
                    out[i]++;
                    given++;
                    progress = true;
                }
            }
        }
        return out;
    }

    private static Dataset pick(Dataset d, List<Integer> indices) {
        Collections.sort(indices);
        List<Example> out = new ArrayList<>(indices.size());
        for (int i : indices) {
            out.add(d.get(i));
        }
        return d.withExamples(out);
    }

    public static final class Builder {
        private double validation = 0.1;
        private double test = 0.0;
        private long seed = 42;
        private String stratifyBy;

        private Builder() {
        }

        /** The fraction for validation, in [0, 1); default 0.1. */
        public Builder validation(double fraction) {
            this.validation = fraction;
            return this;
        }

        /** The fraction for test, in [0, 1); default 0. */
        public Builder test(double fraction) {
            this.test = fraction;
            return this;
        }

        /** Default 42. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Keeps each value of this extra field in the same proportions in every split. */
        public Builder stratifyBy(String field) {
            this.stratifyBy = field;
            return this;
        }

        public Splitter build() {
            if (!(validation >= 0 && validation < 1)) {
                throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validation);
            }
            if (!(test >= 0 && test < 1)) {
                throw new IllegalArgumentException("test fraction must be in [0, 1), got " + test);
            }
            if (validation + test >= 1) {
                throw new IllegalArgumentException("validation + test must leave examples for train, got "
                        + validation + " + " + test);
            }
            if (stratifyBy != null && stratifyBy.isBlank()) {
                throw new IllegalArgumentException("stratifyBy needs a field name");
            }
            return new Splitter(this);
        }
    }
}
