package io.tunebook.display;

import io.tunebook.train.StepMetrics;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training loss (a line through the logged steps) and validation loss (points joined by a line)
 * against the optimizer step, as a PNG chart. The x axis spans the whole run, so that a chart
 * redrawn while training runs fills from the left.
 */
public final class LossChart implements Displayable {
    static final int WIDTH = 720;
    static final int HEIGHT = 320;
    /** Above this many logged steps, the train line has no markers: they would merge into a band. */
    private static final int MARKER_LIMIT = 30;

    private final List<StepMetrics> steps;
    private final List<EvalLoss> evaluations;

    private LossChart(List<StepMetrics> steps, List<EvalLoss> evaluations) {
        this.steps = List.copyOf(steps);
        this.evaluations = List.copyOf(evaluations);
    }

    public static LossChart of(List<StepMetrics> steps, List<EvalLoss> evaluations) {
        return new LossChart(steps, evaluations);
    }

    public static LossChart of(List<StepMetrics> steps) {
        return of(steps, List.of());
    }

    /** Whether there is anything to draw. */
    public boolean isEmpty() {
        return steps.isEmpty() && evaluations.isEmpty();
    }

    /** The chart; fails when {@link #isEmpty()}. */
    public XYChart chart() {
        if (isEmpty()) {
            throw new IllegalStateException("no loss logged yet: nothing to draw");
        }
        XYChart chart = Charts.xy(WIDTH, HEIGHT, "Loss", "step", "loss");
        if (!steps.isEmpty()) {
            XYSeries train = chart.addSeries("train", steps.stream().mapToDouble(StepMetrics::step).toArray(),
                    steps.stream().mapToDouble(StepMetrics::loss).toArray());
            train.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            train.setLineColor(Charts.BLUE);
            train.setMarker(steps.size() > MARKER_LIMIT ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            train.setMarkerColor(Charts.BLUE);
        }
        if (!evaluations.isEmpty()) {
            XYSeries eval = chart.addSeries("validation", evaluations.stream().mapToDouble(EvalLoss::step).toArray(),
                    evaluations.stream().mapToDouble(EvalLoss::loss).toArray());
            eval.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            eval.setLineColor(Charts.ORANGE);
            eval.setMarker(SeriesMarkers.DIAMOND);
            eval.setMarkerColor(Charts.ORANGE);
        }
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax((double) Math.max(lastStep(), maxSteps()));
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisDecimalPattern("0.00");
        return chart;
    }

    public byte[] png() {
        return Charts.png(chart());
    }

    /** The last train and validation losses, in words. */
    public String text() {
        if (isEmpty()) {
            return "loss: no step logged yet";
        }
        StringBuilder b = new StringBuilder();
        if (!steps.isEmpty()) {
            StepMetrics first = steps.get(0);
            StepMetrics last = steps.get(steps.size() - 1);
            b.append(String.format(Locale.ROOT, "train loss %.4f at step %d (%.4f at step %d)", last.loss(),
                    last.step(), first.loss(), first.step()));
        }
        if (!evaluations.isEmpty()) {
            EvalLoss last = evaluations.get(evaluations.size() - 1);
            b.append(b.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT,
                    "validation loss %.4f at step %d", last.loss(), last.step()));
        }
        return b.toString();
    }

    @Override
    public MimeBundle mimeBundle() {
        MimeBundle bundle = MimeBundle.text(text());
        return isEmpty() ? bundle : bundle.withPng(png());
    }

    @Override
    public String toString() {
        return text();
    }

    private int lastStep() {
        int train = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).step();
        int eval = evaluations.isEmpty() ? 0 : evaluations.get(evaluations.size() - 1).step();
        return Math.max(1, Math.max(train, eval));
    }

    private int maxSteps() {
        return steps.isEmpty() ? 0 : steps.get(steps.size() - 1).maxSteps();
    }
}
