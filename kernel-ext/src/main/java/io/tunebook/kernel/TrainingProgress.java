package io.tunebook.kernel;

import io.tunebook.display.Displayable;
import io.tunebook.display.MimeBundle;
import io.tunebook.train.StepMetrics;
import io.tunebook.train.TrainerCallback;
import io.tunebook.train.TrainingResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A compact live view of a training run for {@link Notebook#fit}: progress, the last logged
 * metrics, the run's state (running, finished, stopped by an interrupt) and the training-loss curve
 * as a PNG. It only exists so the kernel can show training before {@code display}'s fuller views
 * are wired in; any {@link Displayable} {@link TrainerCallback} can take its place.
 */
public final class TrainingProgress implements Displayable, TrainerCallback {
    private static final int WIDTH = 480;
    private static final int HEIGHT = 160;
    private static final int MARGIN = 8;

    private final List<double[]> losses = new ArrayList<>();
    private StepMetrics last;
    private double evalLoss = Double.NaN;
    private TrainingResult result;

    @Override
    public synchronized void onStep(StepMetrics metrics) {
        last = metrics;
        losses.add(new double[] {metrics.step(), metrics.loss()});
    }

    @Override
    public synchronized void onEvaluate(int step, double loss) {
        evalLoss = loss;
    }

    @Override
    public synchronized void onEnd(TrainingResult r) {
        result = r;
    }

    /** running, finished, or stopped at step N. */
    public synchronized String state() {
        if (result == null) {
            return "running";
        }
        return result.stoppedEarly() ? "stopped at step " + result.steps() + " (interrupted)" : "finished";
    }

    @Override
    public synchronized MimeBundle mimeBundle() {
        String state = state();
        if (last == null) {
            return MimeBundle.text(summary())
                    .withHtml("<div class=\"tunebook-training\">" + summary() + "</div>");
        }
        String progress = String.format(Locale.ROOT, "step %d / %d", last.step(), last.maxSteps());
        byte[] png = lossCurve();
        StringBuilder html = new StringBuilder("<div class=\"tunebook-training\">")
                .append("<progress max=\"").append(last.maxSteps()).append("\" value=\"").append(last.step())
                .append("\"></progress> ").append(progress).append(" &middot; <b>").append(state).append("</b>")
                .append("<table><tr><th>loss</th><th>learning rate</th><th>grad norm</th><th>tokens/s</th>")
                .append("<th>eval loss</th><th>elapsed</th></tr><tr>")
                .append(String.format(Locale.ROOT, "<td>%.4f</td><td>%.2e</td><td>%.3f</td><td>%.0f</td><td>%s</td>"
                        + "<td>%.1f s</td>", last.loss(), last.learningRate(), last.gradNorm(), last.tokensPerSecond(),
                        Double.isNaN(evalLoss) ? "&ndash;" : String.format(Locale.ROOT, "%.4f", evalLoss),
                        last.elapsedSeconds()))
                .append("</tr></table>")
                // Front ends show one rendition of a bundle, HTML before PNG: the chart goes in the HTML too.
                .append("<img alt=\"training loss\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\"></div>");
        return MimeBundle.text(summary()).withHtml(html.toString()).withPng(png);
    }

    /** One line: the text/plain rendition. */
    private synchronized String summary() {
        if (last == null) {
            return "training: " + state() + ", no step logged yet";
        }
        return String.format(Locale.ROOT, "training %s: step %d / %d, loss %.4f, lr %.2e, %.0f tokens/s%s", state(),
                last.step(), last.maxSteps(), last.loss(), last.learningRate(), last.tokensPerSecond(),
                Double.isNaN(evalLoss) ? "" : String.format(Locale.ROOT, ", eval loss %.4f", evalLoss));
    }

    private byte[] lossCurve() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.LIGHT_GRAY);
            g.drawRect(MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN);
            double min = losses.stream().mapToDouble(p -> p[1]).min().orElse(0);
            double max = losses.stream().mapToDouble(p -> p[1]).max().orElse(1);
            double span = max > min ? max - min : 1;
            int steps = Math.max(last.maxSteps(), 1);
            Path2D.Double curve = new Path2D.Double();
            for (double[] p : losses) {
                double x = MARGIN + (WIDTH - 2.0 * MARGIN) * p[0] / steps;
                double y = HEIGHT - MARGIN - (HEIGHT - 2.0 * MARGIN) * (p[1] - min) / span;
                if (curve.getCurrentPoint() == null) {
                    curve.moveTo(x, y);
                } else {
                    curve.lineTo(x, y);
                }
            }
            g.setColor(new Color(0x1f, 0x77, 0xb4));
            g.setStroke(new BasicStroke(2f));
            g.draw(curve);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the loss curve as PNG", e);
        }
        return png.toByteArray();
    }

    @Override
    public String toString() {
        return summary();
    }
}
