package io.tunebook.display;

import io.tunebook.train.StepMetrics;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * Preference tuning as it goes: the reward margin (TRL's {@code rewards/margins}, chosen minus
 * rejected reward) of the training steps and of the validation pairs, over the steps; the text
 * gives the latest margins and reward accuracies. Empty for supervised fine-tuning.
 */
public final class MarginChart implements Displayable {
    static final String MARGINS = "rewards/margins";
    static final String ACCURACIES = "rewards/accuracies";
    private final List<StepMetrics> steps;
    private final List<EvalLoss> evaluations;

    private MarginChart(List<StepMetrics> steps, List<EvalLoss> evaluations) {
        this.steps = steps.stream().filter(s -> s.extras().containsKey(MARGINS)).toList();
        this.evaluations = evaluations.stream().filter(e -> e.metrics().containsKey(MARGINS)).toList();
    }

    public static MarginChart of(List<StepMetrics> steps, List<EvalLoss> evaluations) {
        return new MarginChart(steps, evaluations);
    }

    public boolean isEmpty() {
        return steps.isEmpty() && evaluations.isEmpty();
    }

    /** The chart; fails when {@link #isEmpty()}. */
    public XYChart chart() {
        if (isEmpty()) {
            throw new IllegalStateException("no reward margin logged yet: nothing to draw");
        }
        double last = Math.max(steps.isEmpty() ? 0 : steps.get(steps.size() - 1).step(),
                steps.isEmpty() ? 0 : steps.get(0).maxSteps());
        return LossChart.trainAndValidation("Reward margin (chosen − rejected)", "margin",
                steps.stream().mapToDouble(StepMetrics::step).toArray(),
                steps.stream().mapToDouble(s -> s.extras().get(MARGINS)).toArray(),
                evaluations.stream().mapToDouble(EvalLoss::step).toArray(),
                evaluations.stream().mapToDouble(e -> e.metrics().get(MARGINS)).toArray(),
                Math.max(last, evaluations.isEmpty() ? 0 : evaluations.get(evaluations.size() - 1).step()));
    }

    public byte[] png() {
        return Charts.png(chart());
    }

    /** The latest margins and accuracies, in words. */
    public String text() {
        if (isEmpty()) {
            return "rewards: no step logged yet";
        }
        StringBuilder b = new StringBuilder();
        if (!steps.isEmpty()) {
            StepMetrics last = steps.get(steps.size() - 1);
            b.append(String.format(Locale.ROOT, "train margin %.4f, accuracy %.2f at step %d",
                    last.extras().get(MARGINS), last.extras().getOrDefault(ACCURACIES, Double.NaN), last.step()));
        }
        if (!evaluations.isEmpty()) {
            EvalLoss last = evaluations.get(evaluations.size() - 1);
            b.append(b.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT,
                    "validation margin %.4f, accuracy %.2f at step %d", last.metrics().get(MARGINS),
                    last.metrics().getOrDefault(ACCURACIES, Double.NaN), last.step()));
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
}
