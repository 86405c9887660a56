package io.tunebook.display;

import io.tunebook.data.Dataset;
import io.tunebook.data.Distribution;
import io.tunebook.data.TokenCounter;
import java.util.Arrays;
import java.util.Locale;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * How many tokens the examples have: a histogram from 0 in bins of a round width (1, 2 or 5 times
 * a power of ten), as a PNG chart and as text bars. Given the training's maximum sequence length,
 * it draws it as a dashed red line and counts the examples beyond it, which would be truncated.
 * Immutable: {@link #maxLength} and {@link #bins} return new histograms.
 */
public final class TokenHistogram implements Displayable {
    /** Default number of bins the range is cut into (about; the bin width is rounded up). */
    public static final int DEFAULT_BINS = 30;
    static final int WIDTH = 720;
    static final int HEIGHT = 320;
    private static final int TEXT_BAR = 40;

    private final long[] lengths;
    private final int maxLength;
    private final int bins;

    private TokenHistogram(long[] lengths, int maxLength, int bins) {
        this.lengths = lengths;
        this.maxLength = maxLength;
        this.bins = bins;
    }

    /** The token lengths of the examples, as {@code counter} counts them. */
    public static TokenHistogram of(Dataset dataset, TokenCounter counter) {
        return of(dataset.stream().mapToLong(counter::count).toArray());
    }

    /** A histogram of these lengths (one per example). */
    public static TokenHistogram of(long[] lengths) {
        for (long l : lengths) {
            if (l < 0) {
                throw new IllegalArgumentException("token lengths cannot be negative, got " + l);
            }
        }
        return new TokenHistogram(lengths.clone(), 0, DEFAULT_BINS);
    }

    /** The same histogram with the maximum sequence length drawn; 0 for none. */
    public TokenHistogram maxLength(int tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("maxLength must be >= 0 (0: none), got " + tokens);
        }
        return new TokenHistogram(lengths, tokens, bins);
    }

    /** The same histogram cut into about {@code n} bins. */
    public TokenHistogram bins(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("bins must be positive, got " + n);
        }
        return new TokenHistogram(lengths, maxLength, n);
    }

    public int examples() {
        return lengths.length;
    }

    /** Min, mean, median, p95 and max of the lengths. */
    public Distribution distribution() {
        return Distribution.of(lengths);
    }

    /** The width of every bin, in tokens: the smallest round width that gives at most {@link #bins} bins. */
    public long binWidth() {
        long top = Math.max(max(), maxLength);
        return roundUp(Math.max(1, (top + bins) / bins));
    }

    /** Examples per bin; bin {@code i} holds lengths in {@code [i * binWidth(), (i + 1) * binWidth())}. */
    public long[] counts() {
        long width = binWidth();
        long[] counts = new long[(int) (Math.max(max(), maxLength) / width) + 1];
        for (long l : lengths) {
            counts[(int) (l / width)]++;
        }
        return counts;
    }

    /** Examples longer than the maximum length (0 when none is set). */
    public long overMaxLength() {
        return maxLength == 0 ? 0 : Arrays.stream(lengths).filter(l -> l > maxLength).count();
    }

    /** The chart; fails on an empty histogram, which has nothing to draw. */
    public XYChart chart() {
        if (lengths.length == 0) {
            throw new IllegalStateException("no examples: nothing to draw");
        }
        XYChart chart = Charts.xy(WIDTH, HEIGHT, "Tokens per example (" + lengths.length + " examples)", "tokens",
                "examples");
        long width = binWidth();
        long[] counts = counts();
        // A step series drawn from each bin's start to the next one's, closed at the last bin's end.
        double[] x = new double[counts.length + 1];
        double[] y = new double[counts.length + 1];
        for (int i = 0; i <= counts.length; i++) {
            x[i] = (double) i * width;
            y[i] = counts[Math.min(i, counts.length - 1)];
        }
        XYSeries bars = chart.addSeries("examples per " + width + " tokens", x, y);
        bars.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea);
        bars.setMarker(SeriesMarkers.NONE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisDecimalPattern("0");
        if (maxLength > 0) {
            chart.addAnnotation(new AnnotationLine(maxLength, true, false));
            XYSeries limit = chart.addSeries("max length " + maxLength + ": " + overMaxLength() + " over",
                    new double[] {maxLength}, new double[] {0});
            limit.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            limit.setLineColor(Charts.RED);
            limit.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    public byte[] png() {
        return Charts.png(chart());
    }

    /** A summary line, then one text bar per bin. */
    public String text() {
        if (lengths.length == 0) {
            return "tokens per example: no examples";
        }
        Distribution d = distribution();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "tokens per example (%d examples): min %d, median %d, mean %.1f, p95 %d, max %d", lengths.length,
                d.min(), d.median(), d.mean(), d.p95(), d.max()));
        if (maxLength > 0) {
            b.append("; ").append(overMaxLength()).append(" over the max length ").append(maxLength);
        }
        b.append('\n');
        long width = binWidth();
        long[] counts = counts();
        long most = Arrays.stream(counts).max().orElse(1);
        int digits = String.valueOf(counts.length * width).length();
        for (int i = 0; i < counts.length; i++) {
            long from = i * width;
            String range = String.format(Locale.ROOT, "%" + digits + "d-%-" + digits + "d", from, from + width - 1);
            String bar = "#".repeat((int) Math.round((double) TEXT_BAR * counts[i] / most));
            boolean limit = maxLength > 0 && from <= maxLength && maxLength < from + width;
            b.append(range).append(' ').append(limit ? '|' : ' ').append(' ').append(bar)
                    .append(counts[i] == 0 ? "" : " " + counts[i]).append('\n');
        }
        return b.toString().stripTrailing();
    }

    @Override
    public MimeBundle mimeBundle() {
        MimeBundle bundle = MimeBundle.text(text());
        return lengths.length == 0 ? bundle : bundle.withPng(png());
    }

    @Override
    public String toString() {
        return text();
    }

    private long max() {
        return Arrays.stream(lengths).max().orElse(0);
    }

    /** The smallest of 1, 2, 5 times a power of ten that is at least {@code raw}. */
    static long roundUp(long raw) {
        long power = 1;
        while (true) {
            for (long m : new long[] {1, 2, 5}) {
                if (m * power >= raw) {
                    return m * power;
                }
            }
            power *= 10;
        }
    }
}
