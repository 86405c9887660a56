package io.tunebook.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunebook.plan.Approach;
import io.tunebook.plan.Decision;
import io.tunebook.plan.Estimate;
import io.tunebook.plan.MemoryBreakdown;
import io.tunebook.plan.Method;
import io.tunebook.plan.Recommendation;
import io.tunebook.plan.Tco;
import io.tunebook.quant.ModelMemory;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** Notebook views of the planner's estimates and recommendations and of a quantized base's weight memory. */
class PlanViewsTest {
    @Test
    void anEstimateShowsEachPartOfItsMemoryAndItsShare() {
        Estimate e = Estimate.builder().parameters("8B").method(Method.QLORA).sequenceLength(2048).build();
        MemoryBreakdown b = e.memory();
        MemoryView view = assertInstanceOf(MemoryView.class, Views.of(e).orElseThrow());
        assertEquals(String.format("Llama 3 8B, qlora, r 16 on q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, "
                + "down_proj: batch 1 x 2048 tokens, paged_adamw_8bit, bf16, gradient checkpointing: %.2f GB", b.totalGb()),
                view.title());
        Table t = view.table();
        assertEquals(7, t.rowCount());
        assertEquals(b.weights() / 1e9, t.doubleColumn("GB").get(0), 1e-12);
        assertEquals(b.optimizerStates() / 1e9, t.doubleColumn("GB").get(3), 1e-12);
        assertEquals(b.total() / 1e9, t.doubleColumn("GB").get(6), 1e-12);
        assertEquals(100.0, t.doubleColumn("share %").get(6), 1e-9);
        double parts = 0;
        for (int i = 0; i < 6; i++) {
            parts += t.doubleColumn("share %").get(i);
        }
        assertEquals(100.0, parts, 1e-9);

        MimeBundle bundle = view.mimeBundle();
        String total = String.format("total\\s+%.3f\\s+100\\.0", b.totalGb());
        assertTrue(bundle.text().lines().anyMatch(l -> l.matches(total)), bundle.text());
        assertTrue(bundle.html().orElseThrow().contains("<caption style=\"caption-side:top;text-align:left;"
                + "font-weight:600;padding:2px 0\">Peak memory by part</caption>"));
        MemoryView bare = assertInstanceOf(MemoryView.class, Views.of(b).orElseThrow());
        assertEquals(String.format("peak training memory: %.2f GB", b.totalGb()), bare.title());
    }

    @Test
    void aRecommendationListsItsReasonsWithTheSeedsWords() {
        Recommendation r = Decision.ask().needsStyle(true).promptingTried(true).trainingExamples(800).recommend();
        assertEquals(Approach.FINE_TUNING, r.approach());
        RecommendationView view = assertInstanceOf(RecommendationView.class, Views.of(r).orElseThrow());
        assertEquals("recommended: fine-tuning (LoRA or QLoRA)", view.title());
        Table t = view.table();
        assertEquals(r.reasons().size(), t.rowCount());
        for (int i = 0; i < r.reasons().size(); i++) {
            assertEquals(i + 1, t.intColumn("#").get(i));
            assertEquals(r.reasons().get(i).quote(), t.stringColumn("the seed says").get(i));
            assertEquals(r.reasons().get(i).source(), t.stringColumn("source").get(i));
        }
        assertTrue(view.mimeBundle().html().orElseThrow().contains(Tables.escape(r.reasons().get(0).criterion())));
    }

    @Test
    void modelMemoryShowsDenseQuantizedAndTotalBytesPerParameter() {
        ModelMemory m = new ModelMemory(2_103_552, 8_414_208, 42, 4_128_768, 2_130_144);
        ModelMemoryView view = assertInstanceOf(ModelMemoryView.class, Views.of(m).orElseThrow());
        assertEquals("base weights: 10,544,352 bytes, 1.6919 bytes per parameter; 42 quantized layers at 0.5159",
                view.title());
        assertEquals("Weight memory\n"
                + "part                   parameters     bytes  bytes/param\n"
                + "dense                     2103552   8414208       4.0000\n"
                + "quantized (42 layers)     4128768   2130144       0.5159\n"
                + "total                     6232320  10544352       1.6919", Tables.text(view.table()).stripTrailing());
    }

    @Test
    void aTcoShowsEachMonthlyCostTheBreakEvenAndTheChart() {
        Tco tco = Tco.builder().build();
        TcoView view = assertInstanceOf(TcoView.class, Views.of(tco).orElseThrow());
        assertEquals(String.format(java.util.Locale.ROOT, "1,500.0 M tokens/month: hosted API 45,000, fine-tuned and "
                + "self-hosted %,.0f a month; break-even at %,.1f M tokens/month", tco.selfHostedMonthly(),
                tco.breakEvenTokensPerMonth().orElseThrow() / 1e6), view.title());
        Table t = view.table();
        assertEquals(6, t.rowCount());
        assertEquals(45_000, t.doubleColumn("cost").get(0), 1e-9);
        assertEquals(tco.selfHostedMonthly(), t.doubleColumn("cost").get(4), 1e-9);
        assertEquals(t.doubleColumn("cost").get(1) + t.doubleColumn("cost").get(2) + t.doubleColumn("cost").get(3),
                t.doubleColumn("cost").get(4), 1e-9);
        assertEquals("1 GPU x 730 h x 4.00/h (one serves 1,576.8 M tokens/month)", t.stringColumn("from").get(1));
        String html = view.mimeBundle().html().orElseThrow();
        assertTrue(html.contains("data:image/png;base64,"));
        // The chart runs to twice the volume; the self-hosted line is a staircase, one step a GPU.
        var chart = view.chart();
        var self = chart.getSeriesMap().get("fine-tuned, self-hosted");
        double[] x = self.getXData();
        assertEquals(3_000, x[x.length - 1], 1e-9);
        assertEquals(tco.atVolume(3_000e6).selfHostedMonthly(), self.getYData()[x.length - 1], 1e-6);
        String none = TcoView.of(Tco.builder().apiPricePerMillionTokens(1).build()).title();
        assertTrue(none.endsWith("no break-even: a serving GPU costs more than the API charges for what it serves"), none);
    }
}
