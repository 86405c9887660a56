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
        return trainAndValidation("Loss", "loss", steps.stream().mapToDouble(StepMetrics::step).toArray(),
                steps.stream().mapToDouble(StepMetrics::loss).toArray(),
                evaluations.stream().mapToDouble(EvalLoss::step).toArray(),
                evaluations.stream().mapToDouble(EvalLoss::loss).toArray(), Math.max(lastStep(), maxSteps()));
    }

    /**
     * A metric over the steps: the training series in blue, the validation one in orange with
     * diamonds (either may be empty), the step axis from 0 to {@code lastStep}.
     */
    static XYChart trainAndValidation(String title, String yLabel, double[] trainSteps, double[] train,
            double[] evalSteps, double[] eval, double lastStep) {
        XYChart chart = Charts.xy(WIDTH, HEIGHT, title, "step", yLabel);
        if (trainSteps.length > 0) {
            XYSeries t = chart.addSeries("train", trainSteps, train);
            t.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            t.setLineColor(Charts.BLUE);
            t.setMarker(trainSteps.length > MARKER_LIMIT ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            t.setMarkerColor(Charts.BLUE);
        }
        if (evalSteps.length > 0) {
            XYSeries e = chart.addSeries("validation", evalSteps, eval);
            e.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            e.setLineColor(Charts.ORANGE);
            e.setMarker(SeriesMarkers.DIAMOND);
            e.setMarkerColor(Charts.ORANGE);
        }
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(lastStep);
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
