package io.tunebook.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Monthly cost of ownership, hosted API against fine-tuning and self-hosting, and the break-even volume. */
class TcoTest {
    @Test
    void theDefaultsAreTheSeedsSupportCase() {
        Tco tco = Tco.builder().build();
        // Seed 001: $0.03 a request x 50,000 requests a day = $1,500 a day, over 30 days.
        assertEquals(1_500.0 * 30, tco.apiMonthly(), 1e-6);
        // $8,000 of engineering a run, four runs a year, spread over twelve months.
        assertEquals(8_000.0 * 4 / 12, tco.engineeringMonthly(), 1e-9);
        assertEquals(6.0 * 4 * 4 / 12, tco.trainingMonthly(), 1e-9);
        // 1,200 tokens/s at 50 % over 730 h serve 1.5768 billion tokens: one GPU carries 1.5 billion.
        assertEquals(1_200 * 0.5 * 3600 * 730, tco.tokensPerGpuMonth(), 1e-3);
        assertEquals(1, tco.servingGpus());
        assertEquals(730 * 4.0, tco.servingMonthly(), 1e-9);
        assertEquals(tco.apiMonthly() - tco.servingMonthly() - tco.trainingMonthly() - tco.engineeringMonthly(),
                tco.monthlySavings(), 1e-9);
        assertTrue(tco.monthlySavings() > 0, "at the seed's volume self-hosting is the cheaper");
    }

    @Test
    void servingGpusGrowInStepsWithTheVolume() {
        Tco tco = Tco.builder().build();
        double perGpu = tco.tokensPerGpuMonth();
        assertEquals(1, tco.atVolume(0).servingGpus());
        assertEquals(1, tco.atVolume(perGpu).servingGpus());
        assertEquals(2, tco.atVolume(perGpu * 1.001).servingGpus());
        assertEquals(3, Tco.builder().minServingGpus(3).tokensPerMonth(perGpu).build().servingGpus());
    }

    /** The break-even against a scan of volumes: below it the API is cheaper, at it self-hosting is not dearer. */
    @Test
    void theBreakEvenIsTheFirstVolumeWhereSelfHostingCostsNoMore() {
        // Cheap API and slow GPUs: the first GPU never pays for itself, the break-even needs several.
        Tco steep = Tco.builder().apiPricePerMillionTokens(2).servingTokensPerSecond(400).gpuHourPrice(1.2)
                .engineeringCostPerRun(20_000).build();
        for (Tco tco : new Tco[] {Tco.builder().build(), steep}) {
            double v = tco.breakEvenTokensPerMonth().orElseThrow();
            Tco at = tco.atVolume(v);
            assertEquals(at.apiMonthly(), at.selfHostedMonthly(), 1e-6 * at.apiMonthly());
            double step = v / 2_000;
            for (double x = 0; x < v - step; x += step) {
                Tco below = tco.atVolume(x);
                assertTrue(below.apiMonthly() < below.selfHostedMonthly(), "at " + x + " the API should be cheaper");
            }
        }
        assertTrue(steep.atVolume(steep.breakEvenTokensPerMonth().orElseThrow()).servingGpus() > 1);
        // The default case: one GPU, (730 x 4 + (4 x 8,000 + 4 x 6 x 4) / 12) / $30 per million = 186.5 million tokens.
        assertEquals((730 * 4.0 + (8_000.0 * 4 + 6 * 4 * 4) / 12) / 30e-6,
                Tco.builder().build().breakEvenTokensPerMonth().orElseThrow(), 1e-3);
    }

    @Test
    void noBreakEvenWhenAGpuCostsMoreThanTheApiChargesForWhatItServes() {
        // One GPU serves 1.5768 billion tokens for $2,920; at $1 per million the API charges $1,577 for them.
        assertFalse(Tco.builder().apiPricePerMillionTokens(1).build().breakEvenTokensPerMonth().isPresent());
        assertFalse(Tco.builder().apiPricePerMillionTokens(0).build().breakEvenTokensPerMonth().isPresent());
    }

    @Test
    void theTrainingRunTakesThePlannersGpuHours() {
        TrainingCost run = Estimate.builder().parameters("8B").method(Method.QLORA).build()
                .cost(10_000_000, 3, GpuType.A100_80GB, 4);
        Tco tco = Tco.builder().trainingRun(run).build();
        assertEquals(run.gpuHours(), tco.trainingGpuHoursPerRun(), 0);
        assertEquals(4 * run.gpuHours() * 4 / 12, tco.trainingMonthly(), 1e-9);
        assertEquals(tco, tco.toBuilder().build());
    }

    @Test
    void badFiguresNameTheField() {
        assertEquals("tokensPerMonth must be a number >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> Tco.builder().tokensPerMonth(-1).build()).getMessage());
        assertEquals("servingUtilisation must be in (0, 1], got 1.5", assertThrows(IllegalArgumentException.class,
                () -> Tco.builder().servingUtilisation(1.5).build()).getMessage());
        assertEquals("gpuHourPrice must be a number >= 0, got NaN", assertThrows(IllegalArgumentException.class,
                () -> Tco.builder().gpuHourPrice(Double.NaN).build()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tco.builder().minServingGpus(0).build());
        assertThrows(IllegalArgumentException.class, () -> Tco.builder().servingTokensPerSecond(0).build());
    }
}
