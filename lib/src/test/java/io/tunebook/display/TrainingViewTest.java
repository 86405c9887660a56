package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.train.StepMetrics;
import io.tunebook.train.TrainingResult;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingViewTest {
    /** Step {@code s} of 100, 40 steps an epoch, one second a step, loss falling from 3. */
    private static StepMetrics step(int s) {
        return new StepMetrics(s, 100, s / 40.0, 3.0 / (1 + s / 20.0), 2e-4, 0.8, 1234.4, s);
    }

    /** The same step from an endless stream, where epochs mean nothing. */
    private static StepMetrics streamed(int s) {
        return new StepMetrics(s, 100, Double.NaN, 3.0 / (1 + s / 20.0), 2e-4, 0.8, 1234.4, s);
    }

    private static List<StepMetrics> steps(int upTo) {
        List<StepMetrics> out = new ArrayList<>();
        for (int s = 5; s <= upTo; s += 5) {
            out.add(step(s));
        }
        return out;
    }

    @Test
    void progressLineHasBarStepsEpochLossRateThroughputAndTimes() {
        Progress p = Progress.of(new StepMetrics(25, 100, 1.25, 2.34567, 1.2e-4, 0.853, 1234.4, 10));
        assertEquals(0.25, p.fraction());
        assertEquals(1.25, p.epoch());
        assertEquals(30, p.etaSeconds(), 1e-9, "75 steps left at 0.4 s a step");
        assertEquals("[######..................] 25/100  25% | epoch 1.25 | loss 2.3457 | lr 1.20e-04 | grad 0.85"
                + " | 1,234 tok/s | 0:10 < 0:30", p.line());
        String unknownEpoch = Progress.of(streamed(50)).line();
        assertFalse(unknownEpoch.contains("epoch"), unknownEpoch);
        assertTrue(Progress.of(streamed(100)).line().startsWith("[########################] 100/100 100%"));
        assertEquals("1:01:01", Progress.clock(3661));
        assertEquals("?", Progress.clock(Double.NaN));
    }

    @Test
    void progressHtmlIsABarAsWideAsTheDoneFraction() {
        String html = Progress.of(step(40)).html();
        assertTrue(html.contains("width:40.0%;"), html);
        assertTrue(html.contains("<b>40/100</b>"), html);
        assertFalse(html.contains("<style") || html.contains("<script"), html);
    }

    @Test
    void lossChartDrawsTrainAndValidationLosses() {
        LossChart empty = LossChart.of(List.of());
        assertTrue(empty.isEmpty());
        assertFalse(empty.mimeBundle().png().isPresent());
        assertEquals("loss: no step logged yet", empty.text());

        LossChart trainOnly = LossChart.of(steps(60));
        BufferedImage train = Pixels.decode(trainOnly.png());
        assertEquals(LossChart.WIDTH, train.getWidth());
        assertEquals(LossChart.HEIGHT, train.getHeight());
        assertTrue(Pixels.count(train, Charts.BLUE) > 200, "a blue train line");
        long orangeBefore = Pixels.count(train, Charts.ORANGE);

        LossChart both = LossChart.of(steps(60), List.of(new EvalLoss(20, 2.1), new EvalLoss(40, 1.8),
                new EvalLoss(60, 1.7)));
        BufferedImage image = Pixels.decode(both.mimeBundle().png().orElseThrow());
        assertTrue(Pixels.count(image, Charts.ORANGE) > orangeBefore + 100, "orange validation points and line");
        assertEquals("train loss 0.7500 at step 60 (2.4000 at step 5); validation loss 1.7000 at step 60",
                both.text());
    }

    @Test
    void historyMakesAViewOnlyWhenSomethingArrived() {
        TrainingHistory history = new TrainingHistory();
        TrainingView start = history.view();
        assertEquals("training: no step logged yet", start.text());
        assertTrue(start.mimeBundle().html().orElseThrow().contains("no step logged yet"));
        assertFalse(start.mimeBundle().html().orElseThrow().contains("<img"), "no chart before the first step");

        steps(50).forEach(history::onStep);
        TrainingView running = history.view();
        assertNotSame(start, running);
        assertSame(running, history.view(), "unchanged history, same view");
        assertSame(running.mimeBundle(), running.mimeBundle(), "rendered once");
        assertTrue(running.text().startsWith("[############............] 50/100  50% | epoch 1.25 | loss 0.8571"),
                running.text());

        history.onEvaluate(50, 1.5);
        TrainingView evaluated = history.view();
        assertNotSame(running, evaluated);
        assertTrue(evaluated.text().endsWith(" | validation loss 1.5000 (perplexity 4.48) at step 50"),
                evaluated.text());
        String html = evaluated.mimeBundle().html().orElseThrow();
        int img = html.indexOf("src=\"data:image/png;base64,");
        assertTrue(img > 0, "the chart is inlined in the HTML");
        String base64 = html.substring(img + "src=\"data:image/png;base64,".length(), html.indexOf('"',
                img + "src=\"".length()));
        assertEquals(LossChart.WIDTH, Pixels.decode(Base64.getDecoder().decode(base64)).getWidth());
        assertTrue(html.contains("width:50.0%;"), "progress bar half full");

        history.onEnd(new TrainingResult(50, 100, 0.8571, 1.5, TrainingResult.StopReason.INTERRUPTED, 1.5, 50, 61));
        assertTrue(history.view().text().endsWith("\ninterrupted after 50 steps in 1:01: train loss 0.8571, "
                + "validation loss 1.5000"), history.view().text());
        assertEquals(10, history.steps().size());
        assertEquals(List.of(new EvalLoss(50, 1.5)), history.evaluations());
    }

    @Test
    void consolePrintsOneLinePerStepEvaluationAndEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress console = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        console.onStep(streamed(10));
        console.onEvaluate(10, 2.0);
        console.onEnd(new TrainingResult(100, 100, 0.9, Double.NaN, TrainingResult.StopReason.COMPLETED, Double.NaN, -1, 100));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("[##......................] 10/100  10% | loss 2.0000"), lines.get(0));
        assertEquals("validation loss 2.0000 (perplexity 7.39) at step 10", lines.get(1));
        assertEquals("done after 100 steps in 1:40: train loss 0.9000", lines.get(2));
    }

    /** Not a timed assertion: prints what a live view costs to redraw, for the record. */
    @Test
    void reportsTheRedrawCost() {
        List<StepMetrics> s = steps(100);
        List<EvalLoss> e = List.of(new EvalLoss(50, 1.6), new EvalLoss(100, 1.4));
        long[] ms = new long[13];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            assertTrue(TrainingView.of(s, e, null).mimeBundle().html().isPresent());
            ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
        long[] warm = Arrays.copyOfRange(ms, 3, ms.length);
        Arrays.sort(warm);
        System.out.printf("TrainingView redraw (progress + %dx%d loss PNG): first %d ms, then median %d ms%n",
                LossChart.WIDTH, LossChart.HEIGHT, ms[0], warm[warm.length / 2]);
    }

    @Test
    void preferenceRunsShowTheRewardMarginChartAndNoPerplexity() {
        TrainingHistory history = new TrainingHistory();
        for (int s = 5; s <= 20; s += 5) {
            history.onStep(new StepMetrics(s, 20, Double.NaN, 0.7 - s / 100.0, 1e-4, 0.5, 100, s,
                    java.util.Map.of("rewards/margins", s / 10.0, "rewards/accuracies", 0.5 + s / 40.0)));
        }
        history.onEvaluate(20, 0.41, java.util.Map.of("rewards/margins", 1.75, "rewards/accuracies", 0.9));
        TrainingView view = history.view();
        assertFalse(view.margins().isEmpty());
        assertEquals("train margin 2.0000, accuracy 1.00 at step 20; validation margin 1.7500, accuracy 0.90 at step 20",
                view.margins().text());
        String line = TrainingView.validation(history.evaluations().get(0));
        assertEquals("validation loss 0.4100, reward margin 1.7500, reward accuracy 0.90 at step 20", line);
        String html = view.mimeBundle().html().orElseThrow();
        assertEquals(2, html.split("<img", -1).length - 1, "the loss chart and the margin chart");
        assertTrue(TrainingView.of(steps(20), List.of(), null).margins().isEmpty(), "no margins for SFT");
    }
}
