package io.tunebook.eval.monitor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drift between a reference window of traffic (what the model was validated on) and a production
 * window, feature by feature: each feature's values in both windows, compared by the population
 * stability index and the Kolmogorov-Smirnov statistic; a feature whose PSI reaches the alert
 * threshold raises an alert.
 *
 * <pre>{@code
 * DriftReport drift = DriftReport.builder().psiAlert(0.25)
 *         .feature("prompt words", new double[] {12, 15, 9, 14}, new double[] {60, 75, 58, 80})
 *         .build();
 * drift.alerts();
 * }</pre>
 *
 * @param features one row a feature, in the order given
 * @param psiAlert the PSI from which a feature alerts
 */
public record DriftReport(List<FeatureDrift> features, double psiAlert) {
    /** PSI below which a feature is called stable. */
    public static final double PSI_MODERATE = 0.1;
    /** PSI from which a feature is called drifted; the default alert threshold. */
    public static final double PSI_DRIFT = 0.25;
    /** Bins of the PSI: the reference window's deciles. */
    public static final int BINS = 10;
    /** The share an empty bin counts as, so that the logarithm stays finite (a common choice). */
    static final double EMPTY_BIN_SHARE = 1e-4;
    /** c(0.05) of the two-sample KS test: D_crit = c · sqrt((n + m) / (n · m)). */
    static final double KS_C_05 = 1.358;

    public DriftReport {
        features = List.copyOf(features);
    }

    /** The features that alert. */
    public List<FeatureDrift> alerts() {
        return features.stream().filter(FeatureDrift::alert).toList();
    }

    public boolean anyAlert() {
        return features.stream().anyMatch(FeatureDrift::alert);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Population stability index: Σ (p − q) · ln(p / q) over bins, p the production window's share of a bin and
     * q the reference's. The bins are cut at the reference's deciles (repeated cut points merged, as integer
     * features have), so each holds about a tenth of the reference; an empty bin counts as a share of
     * {@value #EMPTY_BIN_SHARE}.
     */
    public static double psi(double[] reference, double[] production) {
        requireValues("reference", reference);
        requireValues("production", production);
        double[] ref = reference.clone();
        Arrays.sort(ref);
        List<Double> cuts = new ArrayList<>();
        for (int k = 1; k < BINS; k++) {
            double cut = ref[(int) Math.ceil((double) k / BINS * ref.length) - 1];
            if (cuts.isEmpty() || cut > cuts.get(cuts.size() - 1)) {
                cuts.add(cut);
            }
        }
        double[] q = shares(reference, cuts);
        double[] p = shares(production, cuts);
        double sum = 0;
        for (int i = 0; i < q.length; i++) {
            double pi = Math.max(p[i], EMPTY_BIN_SHARE);
            double qi = Math.max(q[i], EMPTY_BIN_SHARE);
            sum += (pi - qi) * Math.log(pi / qi);
        }
        return sum;
    }

    /** Shares of the values in the bins (-inf, c1], (c1, c2], ..., (ck, +inf). */
    private static double[] shares(double[] values, List<Double> cuts) {
        double[] counts = new double[cuts.size() + 1];
        for (double v : values) {
            int bin = 0;
            while (bin < cuts.size() && v > cuts.get(bin)) {
                bin++;
            }
            counts[bin]++;
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] /= values.length;
        }
        return counts;
    }

    /** Two-sample Kolmogorov-Smirnov statistic: max over x of |F_ref(x) − F_prod(x)|, the empirical CDFs. */
    public static double ks(double[] reference, double[] production) {
        requireValues("reference", reference);
        requireValues("production", production);
        double[] a = reference.clone();
        double[] b = production.clone();
        Arrays.sort(a);
        Arrays.sort(b);
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < a.length && j < b.length) {
            double x = Math.min(a[i], b[j]);
            while (i < a.length && a[i] <= x) {
                i++;
            }
            while (j < b.length && b[j] <= x) {
                j++;
            }
            d = Math.max(d, Math.abs((double) i / a.length - (double) j / b.length));
        }
        return d;
    }

    private static void requireValues(String window, double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the " + window + " window has no values");
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("the " + window + " window holds " + v + ": values must be finite");
            }
        }
    }

    /** Alert threshold {@link #PSI_DRIFT} unless set. */
    public static final class Builder {
        private double psiAlert = PSI_DRIFT;
        private final List<String> names = new ArrayList<>();
        private final List<double[]> references = new ArrayList<>();
        private final List<double[]> productions = new ArrayList<>();

        public Builder psiAlert(double v) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("psiAlert must be positive, got " + v);
            }
            psiAlert = v;
            return this;
        }

        /** A feature's values in the reference window and in the production window. */
        public Builder feature(String name, double[] reference, double[] production) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a feature needs a name");
            }
            requireValues("reference", reference);
            requireValues("production", production);
            names.add(name);
            references.add(reference.clone());
            productions.add(production.clone());
            return this;
        }

        public DriftReport build() {
            List<FeatureDrift> out = new ArrayList<>();
            for (int f = 0; f < names.size(); f++) {
                double[] ref = references.get(f);
                double[] prod = productions.get(f);
                double psi = psi(ref, prod);
                double critical = KS_C_05 * Math.sqrt((double) (ref.length + prod.length) / ((double) ref.length * prod.length));
                out.add(new FeatureDrift(names.get(f), Arrays.stream(ref).average().orElseThrow(),
                        Arrays.stream(prod).average().orElseThrow(), psi, ks(ref, prod), critical, psi >= psiAlert));
            }
            return new DriftReport(out, psiAlert);
        }
    }
}
