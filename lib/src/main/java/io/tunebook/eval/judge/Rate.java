package io.tunebook.eval.judge;

/**
 * A proportion with its 95% Wilson score interval, which stays inside [0, 1] and behaves at 0 and
 * at small counts, where the normal approximation does not.
 *
 * @param rate {@code count / n}, NaN when {@code n} is 0 (as are the bounds)
 */
public record Rate(long count, long n, double rate, double low, double high) {
    private static final double Z95 = 1.959963984540054;

    public static Rate of(long count, long n) {
        if (count < 0 || n < 0 || count > n) {
            throw new IllegalArgumentException("need 0 <= count <= n, got " + count + " of " + n);
        }
        if (n == 0) {
            return new Rate(0, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        double p = (double) count / n;
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double center = (p + z2 / (2.0 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new Rate(count, n, p, Math.max(0, center - half), Math.min(1, center + half));
    }

    @Override
    public String toString() {
        return n == 0 ? "n/a" : String.format("%.1f%% [%.1f, %.1f] (%d/%d)", 100 * rate, 100 * low, 100 * high,
                count, n);
    }
}
