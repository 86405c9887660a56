package io.tunebook.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Mixes several sources with weights, deterministically for a seed.
 *
 * <p>By default a weight multiplies its source: 1.0 takes every example once, 0.5 a seeded half,
 * 2.5 every example twice plus a seeded half. With {@link #total(int)}, weights are shares
 * instead: source {@code i} gives {@code total * w_i / sum(w)} examples (rounded so that they add
 * up to {@code total}), repeating a source that is too small. The result is shuffled with the seed
 * unless {@link #shuffle(boolean) shuffle(false)} keeps the sources in order.
 *
 * <p>Clean sources before mixing: the repeats of an oversampled source are exact duplicates, which
 * {@link Cleaner} would remove again.
 */
public final class DatasetMix {
    private record Part(Path file, Dataset dataset, double weight) {
    }

    private final List<Part> parts = new ArrayList<>();
    private long seed = 42;
    private int total = -1;
    private boolean shuffle = true;
    private boolean lenient;
    private DatasetFormat format;

    DatasetMix() {
    }

    public DatasetMix add(Path file, double weight) {
        parts.add(new Part(file, null, checked(weight)));
        return this;
    }

    public DatasetMix add(String file, double weight) {
        return add(Path.of(file), weight);
    }

    public DatasetMix add(Dataset dataset, double weight) {
        parts.add(new Part(null, dataset, checked(weight)));
        return this;
    }

    public DatasetMix seed(long value) {
        this.seed = value;
        return this;
    }

    /** Makes the weights shares of a mix of exactly {@code n} examples. */
    public DatasetMix total(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("total must be positive, got " + n);
        }
        this.total = n;
        return this;
    }

    public DatasetMix shuffle(boolean value) {
        this.shuffle = value;
        return this;
    }

    /** Files added by path skip their invalid rows (default: strict). */
    public DatasetMix lenient() {
        this.lenient = true;
        return this;
    }

    public DatasetMix strict() {
        this.lenient = false;
        return this;
    }

    /** Files added by path are read in this format rather than detected. */
    public DatasetMix format(DatasetFormat forced) {
        this.format = forced;
        return this;
    }

    public Dataset load() {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to mix: add a file or dataset");
        }
        List<Dataset> sources = new ArrayList<>();
        List<ValidationReport> reports = new ArrayList<>();
        for (Part p : parts) {
            Dataset d = p.dataset();
            if (d == null) {
                DatasetLoader loader = Datasets.from(p.file()).format(format);
                d = lenient ? loader.lenient().load() : loader.load();
            }
            sources.add(d);
            reports.add(d.validation());
        }
        int[] counts = counts(sources);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            Random random = new Random(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
            out.addAll(sample(sources.get(i), counts[i], random, i));
        }
        if (shuffle) {
            Collections.shuffle(out, new Random(seed));
        }
        return new Dataset(out, ValidationReport.merge(reports));
    }

    private int[] counts(List<Dataset> sources) {
        int n = sources.size();
        int[] counts = new int[n];
        if (total < 0) {
            for (int i = 0; i < n; i++) {
                counts[i] = (int) Math.round(parts.get(i).weight() * sources.get(i).size());
            }
            return counts;
        }
        double sum = parts.stream().mapToDouble(Part::weight).sum();
        if (sum <= 0) {
            throw new IllegalArgumentException("the weights add up to 0");
        }
        double[] quota = new double[n];
        int given = 0;
        for (int i = 0; i < n; i++) {
            quota[i] = total * parts.get(i).weight() / sum;
            counts[i] = (int) Math.floor(quota[i]);
            given += counts[i];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(quota[b] - counts[b], quota[a] - counts[a]));
        for (int k = 0; given < total; k++, given++) {
            counts[order[k % n]]++;
        }
        return counts;
    }

    /** {@code count} examples of {@code d}: whole copies, then a seeded sample without replacement. */
    private List<Example> sample(Dataset d, int count, Random random, int index) {
        if (count == 0) {
            return List.of();
        }
        if (d.isEmpty()) {
            throw new IllegalArgumentException("mix source " + (index + 1) + " is empty but has a weight above 0");
        }
        List<Example> out = new ArrayList<>(count);
        int size = d.size();
        for (int c = 0; c < count / size; c++) {
            out.addAll(d.examples());
        }
        int rest = count % size;
        if (rest > 0) {
            List<Integer> idx = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                idx.add(i);
            }
            Collections.shuffle(idx, random);
            List<Integer> chosen = new ArrayList<>(idx.subList(0, rest));
            Collections.sort(chosen);
            for (int i : chosen) {
                out.add(d.get(i));
            }
        }
        return out;
    }

    private static double checked(double weight) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("a mix weight must be a finite number >= 0, got " + weight);
        }
        return weight;
    }
}
