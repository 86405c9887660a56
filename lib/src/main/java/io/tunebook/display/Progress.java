package io.tunebook.display;

import io.tunebook.train.StepMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a run stands after a logged step: steps done of the total, epoch, time spent and left,
 * throughput, and the step's loss, learning rate and gradient norm. The time left assumes the
 * remaining steps take as long as the average step so far.
 *
 * @param epoch epochs done (fractional); NaN for an endless stream of batches
 * @param etaSeconds estimated seconds until the last step
 */
public record Progress(int step, int maxSteps, double epoch, double elapsedSeconds, double etaSeconds,
        double tokensPerSecond, double loss, double learningRate, double gradNorm) {
    /** Characters of the text bar between its brackets. */
    static final int TEXT_BAR = 24;

    public static Progress of(StepMetrics m) {
        double eta = m.step() == 0 ? Double.NaN : m.elapsedSeconds() / m.step() * (m.maxSteps() - m.step());
        return new Progress(m.step(), m.maxSteps(), m.epoch(), m.elapsedSeconds(), eta, m.tokensPerSecond(), m.loss(),
                m.learningRate(), m.gradNorm());
    }

    /** Done fraction, in [0, 1]. */
    public double fraction() {
        return maxSteps == 0 ? 0 : Math.min(1, (double) step / maxSteps);
    }

    /**
     * One console line: {@code [#########...............] 35/100  35% | epoch 1.20 | loss 2.3456 |
     * lr 1.20e-04 | grad 0.85 | 1,234 tok/s | 0:12 < 0:22}.
     */
    public String line() {
        int filled = (int) Math.round(fraction() * TEXT_BAR);
        StringBuilder b = new StringBuilder("[").append("#".repeat(filled)).append(".".repeat(TEXT_BAR - filled))
                .append("] ").append(step).append('/').append(maxSteps)
                .append(String.format(Locale.ROOT, " %3.0f%%", fraction() * 100));
        for (String part : parts()) {
            b.append(" | ").append(part);
        }
        return b.toString();
    }

    /** An HTML progress bar with the same figures beside it; inline styles only. */
    public String html() {
        String pct = String.format(Locale.ROOT, "%.1f", fraction() * 100);
        return "<div class=\"" + Tables.CSS_CLASS + "\" style=\"font-family:system-ui,sans-serif;font-size:12px;"
                + "margin:4px 0\"><div style=\"display:flex;align-items:center;gap:8px\">"
                + "<div style=\"width:320px;height:14px;background:#e5e7eb;border-radius:3px;overflow:hidden\">"
                + "<div style=\"width:" + pct + "%;height:100%;background:#4e79a7\"></div></div>"
                + "<span><b>" + step + "/" + maxSteps + "</b> (" + pct + "%)</span></div>"
                + "<div style=\"margin-top:3px;color:#374151\">" + Tables.escape(String.join(" · ", parts()))
                + "</div></div>";
    }

    /** The figures after the bar; the epoch only when known. */
    private List<String> parts() {
        List<String> parts = new ArrayList<>();
        if (!Double.isNaN(epoch)) {
            parts.add(String.format(Locale.ROOT, "epoch %.2f", epoch));
        }
        parts.add(String.format(Locale.ROOT, "loss %.4f", loss));
        parts.add(String.format(Locale.ROOT, "lr %.2e", learningRate));
        parts.add(String.format(Locale.ROOT, "grad %.2f", gradNorm));
        parts.add(String.format(Locale.ROOT, "%,.0f tok/s", tokensPerSecond));
        parts.add(clock(elapsedSeconds) + " < " + clock(etaSeconds));
        return parts;
    }

    /** {@code m:ss}, or {@code h:mm:ss} past an hour; {@code ?} when unknown. */
    static String clock(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
