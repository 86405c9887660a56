package io.tunebook.display;

import io.tunebook.train.StepMetrics;
import io.tunebook.train.TrainingResult;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A snapshot of a run, in progress or done: a progress bar (step of total, epoch, time spent and
 * left, tokens per second) with the latest loss, learning rate and gradient norm, the latest
 * validation loss, and the train/validation loss chart (and, for preference tuning, the reward
 * margin chart). {@code text/plain} is a single progress line
 * for consoles. Immutable; its bundle is rendered once, on first use, so a display that polls an
 * unchanged {@link TrainingHistory} redraws nothing.
 */
public final class TrainingView implements Displayable {
    private final List<StepMetrics> steps;
    private final List<EvalLoss> evaluations;
    private final TrainingResult result;
    private MimeBundle bundle;

    private TrainingView(List<StepMetrics> steps, List<EvalLoss> evaluations, TrainingResult result) {
        this.steps = List.copyOf(steps);
        this.evaluations = List.copyOf(evaluations);
        this.result = result;
    }

    /** @param result how the run ended; {@code null} while it runs */
    public static TrainingView of(List<StepMetrics> steps, List<EvalLoss> evaluations, TrainingResult result) {
        return new TrainingView(steps, evaluations, result);
    }

    /** Where the run stood at its last logged step; empty before the first. */
    public Optional<Progress> progress() {
        return steps.isEmpty() ? Optional.empty() : Optional.of(Progress.of(steps.get(steps.size() - 1)));
    }

    public Optional<TrainingResult> result() {
        return Optional.ofNullable(result);
    }

    public LossChart chart() {
        return LossChart.of(steps, evaluations);
    }

    /** Preference tuning's reward margins; empty for supervised fine-tuning. */
    public MarginChart margins() {
        return MarginChart.of(steps, evaluations);
    }

    /** The console line: the progress bar, then the latest validation loss and, at the end, the outcome. */
    public String text() {
        StringBuilder b = new StringBuilder(progress().map(Progress::line).orElse("training: no step logged yet"));
        if (!evaluations.isEmpty()) {
            b.append(" | ").append(validation(evaluations.get(evaluations.size() - 1)));
        }
        if (result != null) {
            b.append('\n').append(outcome(result));
        }
        return b.toString();
    }

    @Override
    public synchronized MimeBundle mimeBundle() {
        if (bundle == null) {
            StringBuilder html = new StringBuilder();
            html.append(progress().map(Progress::html).orElse(Tables.paragraph("training: no step logged yet")));
            if (!evaluations.isEmpty()) {
                html.append(Tables.paragraph(validation(evaluations.get(evaluations.size() - 1))));
            }
            if (result != null) {
                html.append(Tables.paragraph(outcome(result)));
            }
            LossChart chart = chart();
            byte[] png = chart.isEmpty() ? null : chart.png();
            if (png != null) {
                // Inlined as well: front ends show one rendition, the HTML, and it must carry the chart.
                html.append(Tables.image(png, chart.text()));
            }
            MarginChart margins = margins();
            if (!margins.isEmpty()) {
                html.append(Tables.image(margins.png(), margins.text()));
            }
            MimeBundle b = MimeBundle.text(text()).withHtml(Tables.section("Training", html.toString()));
            bundle = png == null ? b : b.withPng(png);
        }
        return bundle;
    }

    @Override
    public String toString() {
        return text();
    }

    static String validation(EvalLoss e) {
        if (e.metrics().containsKey(MarginChart.MARGINS)) {
            // A preference loss is no cross-entropy: no perplexity, the margin and accuracy instead.
            return String.format(Locale.ROOT, "validation loss %.4f, reward margin %.4f, reward accuracy %.2f at step %d",
                    e.loss(), e.metrics().get(MarginChart.MARGINS),
                    e.metrics().getOrDefault(MarginChart.ACCURACIES, Double.NaN), e.step());
        }
        return String.format(Locale.ROOT, "validation loss %.4f (perplexity %.2f) at step %d", e.loss(),
                Math.exp(e.loss()), e.step());
    }

    private static String outcomeWord(TrainingResult.StopReason reason) {
        switch (reason) {
            case INTERRUPTED:
                return "interrupted";
            case EARLY_STOPPING:
                return "stopped early (no more improvement)";
            default:
                return "done";
        }
    }

    /** How a run ended, in one line. */
    static String outcome(TrainingResult r) {
        String eval = Double.isNaN(r.finalEvalLoss()) ? ""
                : String.format(Locale.ROOT, ", validation loss %.4f", r.finalEvalLoss());
        return String.format(Locale.ROOT, "%s after %d steps in %s: train loss %.4f%s",
                outcomeWord(r.stopReason()), r.steps(), Progress.clock(r.seconds()),
                r.finalTrainLoss(), eval);
    }
}
