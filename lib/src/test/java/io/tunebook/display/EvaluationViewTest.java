package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.eval.ConfidenceInterval;
import io.tunebook.eval.EvaluationResult;
import io.tunebook.eval.ExampleResult;
import io.tunebook.eval.JudgeComparison;
import io.tunebook.eval.Metric;
import io.tunebook.eval.MetricSummary;
import io.tunebook.eval.judge.JudgeSummary;
import io.tunebook.eval.judge.Rate;
import io.tunebook.model.GenerationSettings;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** The evaluation and judge views on a result built by hand. */
class EvaluationViewTest {
    @TempDir
    Path tmp;

    static final String LONG = "Bonjour, " + "votre commande est en route. ".repeat(20);

    static EvaluationResult result() {
        List<MetricSummary> summary = List.of(
                new MetricSummary("base", Metric.BLEU, new ConfidenceInterval(12.5, 8, 17), Optional.empty()),
                new MetricSummary("base", Metric.PERPLEXITY, new ConfidenceInterval(40, 35, 45), Optional.empty()),
                new MetricSummary("tuned <b>", Metric.BLEU, new ConfidenceInterval(30, 25, 36),
                        Optional.of(new ConfidenceInterval(17.5, 12, 23))),
                new MetricSummary("tuned <b>", Metric.PERPLEXITY, ConfidenceInterval.NONE, Optional.of(ConfidenceInterval.NONE)));
        ExampleResult e = new ExampleResult("ex-1", "facturation", "<script>alert(1)</script> Où est ma facture ?",
                LONG, Map.of("base", "Je ne sais pas.", "tuned <b>", LONG),
                Map.of("base", Map.of(Metric.BLEU, 3.0, Metric.PERPLEXITY, 41.0),
                        "tuned <b>", Map.of(Metric.BLEU, 33.0, Metric.PERPLEXITY, Double.NaN)));
        JudgeSummary judged = new JudgeSummary(10, 9, 1, Rate.of(6, 9), Rate.of(2, 9), Rate.of(1, 9), Rate.of(7, 9),
                Map.of("facturation", new JudgeSummary(4, 4, 0, Rate.of(3, 4), Rate.of(1, 4), Rate.of(0, 4),
                        Rate.of(4, 4), Map.of())));
        return new EvaluationResult("support-fr test", List.of("base", "tuned <b>"), "base",
                List.of(Metric.BLEU, Metric.PERPLEXITY), GenerationSettings.greedy(24), 1000, 42, summary,
                List.of(e), List.of(new JudgeComparison("tuned <b>", "base", "judge-model", judged, List.of())));
    }

    @Test
    void summaryShowsIntervalsAndStarsDifferencesThatLeaveOutZero() {
        Table t = EvaluationView.of(result()).summary();
        assertEquals(2, t.rowCount());
        assertEquals(List.of("candidate", "bleu ↑", "Δ bleu", "perplexity ↓", "Δ perplexity"), t.columnNames());
        assertEquals("12.50 [8.000, 17.00]", t.stringColumn("bleu ↑").get(0));
        assertEquals("—", t.stringColumn("Δ bleu").get(0));
        assertEquals("+17.50 [+12.00, +23.00] *", t.stringColumn("Δ bleu").get(1));
        assertEquals("n/a", t.stringColumn("perplexity ↓").get(1));
    }

    @Test
    void bundleEscapesTruncatesAndCarriesTheChart() throws Exception {
        MimeBundle b = EvaluationView.of(result()).mimeBundle();
        String html = b.html().orElseThrow();
        assertFalse(html.contains("<script>") || html.contains("tuned <b>"), "text is escaped");
        assertTrue(html.contains("&lt;script&gt;") && html.contains("tuned &lt;b&gt;"));
        assertFalse(html.contains(LONG), "long text is cut");
        assertTrue(html.contains(Tables.truncate(LONG, EvaluationView.CELL_WIDTH)));
        assertTrue(html.contains("data:image/png;base64,"));
        BufferedImage chart = Pixels.decode(b.png().orElseThrow());
        assertTrue(chart.getWidth() > 100 && Pixels.inked(chart) > 0.01);
        assertTrue(b.text().contains("66.7% [35.4, 87.9]"), b.text());
        assertTrue(b.text().contains("facturation"), "the per-category verdicts");
    }

    @Test
    void pageIsSavedBesideTheJson() throws Exception {
        Path file = EvaluationView.of(result()).saveHtml(tmp.resolve("run"));
        assertEquals("evaluation.html", file.getFileName().toString());
        String page = Files.readString(file);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<meta charset=\"utf-8\">"));
        assertTrue(page.contains("Evaluation on support-fr test"));
    }

    @Test
    void viewsKnowTheResultAndJudgeSummaries() {
        assertTrue(Views.TYPES.contains(EvaluationResult.class) && Views.TYPES.contains(JudgeSummary.class));
        assertInstanceOf(EvaluationView.class, Views.of(result()).orElseThrow());
        JudgeSummary s = result().judgements().get(0).summary();
        MimeBundle judge = Views.of(s).orElseThrow().mimeBundle();
        assertTrue(judge.text().contains("77.8%"), "position consistency: " + judge.text());
        assertTrue(judge.html().orElseThrow().contains("9/10"));
        assertEquals("n/a", JudgeView.rate(Rate.of(0, 0)));
    }
}
