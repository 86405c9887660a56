package io.tunebook.eval.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** PSI, KS and the alert, on windows whose answer is known. */
class DriftReportTest {
    private static double[] normal(Random r, int n, double mean, double sd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + sd * r.nextGaussian();
        }
        return v;
    }

    @Test
    void psiByHandOnTwoBins() {
        // Reference 1..10: deciles cut at 1, 2, ..., 9, ten bins of a tenth each. Production: five 1s and five 10s.
        double[] ref = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        double[] prod = {1, 1, 1, 1, 1, 10, 10, 10, 10, 10};
        // Two bins at 0.5 against 0.1, eight empty bins (counted as 1e-4) against 0.1.
        double expected = 2 * (0.5 - 0.1) * Math.log(0.5 / 0.1) + 8 * (1e-4 - 0.1) * Math.log(1e-4 / 0.1);
        assertEquals(expected, DriftReport.psi(ref, prod), 1e-12);
        assertEquals(0, DriftReport.psi(ref, ref), 1e-12);
    }

    @Test
    void ksIsTheLargestGapBetweenTheCumulativeDistributions() {
        assertEquals(0, DriftReport.ks(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 0);
        assertEquals(1, DriftReport.ks(new double[] {1, 2, 3}, new double[] {4, 5}), 0);
        // F_ref(2) = 2/4, F_prod(2) = 0/2: 0.5; at 3: 3/4 against 1/2.
        assertEquals(0.5, DriftReport.ks(new double[] {1, 2, 3, 4}, new double[] {3, 5}), 1e-12);
    }

    @Test
    void aShiftedWindowAlertsAndASampleOfTheSameDistributionDoesNot() {
        Random r = new Random(11);
        double[] ref = normal(r, 400, 50, 10);
        DriftReport report = DriftReport.builder()
                .feature("same", ref, normal(r, 400, 50, 10))
                .feature("shifted", ref, normal(r, 400, 70, 10))
                .build();
        FeatureDrift same = report.features().get(0);
        FeatureDrift shifted = report.features().get(1);
        assertTrue(same.psi() < DriftReport.PSI_MODERATE, "psi " + same.psi());
        assertEquals("stable", same.psiReading());
        assertFalse(same.alert());
        assertFalse(same.ksSignificant(), "ks " + same.ks() + " critical " + same.ksCritical());
        assertTrue(shifted.psi() > DriftReport.PSI_DRIFT, "psi " + shifted.psi());
        assertEquals("drift", shifted.psiReading());
        assertTrue(shifted.alert() && shifted.ksSignificant());
        assertEquals(List.of(shifted), report.alerts());
        assertEquals(1.358 * Math.sqrt(800.0 / (400 * 400)), same.ksCritical(), 1e-12);
        assertEquals(70, shifted.productionMean(), 1.5);
        // A threshold is the user's choice: at 100 nothing alerts.
        assertFalse(DriftReport.builder().psiAlert(100).feature("shifted", ref, normal(r, 400, 70, 10)).build().anyAlert());
    }

    @Test
    void badWindowsSayWhatIsWrong() {
        assertEquals("the production window has no values", assertThrows(IllegalArgumentException.class,
                () -> DriftReport.builder().feature("x", new double[] {1}, new double[0])).getMessage());
        assertEquals("the reference window holds NaN: values must be finite", assertThrows(IllegalArgumentException.class,
                () -> DriftReport.psi(new double[] {Double.NaN}, new double[] {1})).getMessage());
        assertThrows(IllegalArgumentException.class, () -> DriftReport.builder().psiAlert(0));
    }

    @Test
    void theOutOfVocabularyRateCountsWordsOutsideTheReference() {
        Vocabulary v = Vocabulary.of(List.of("Bonjour, je voudrais retourner l'article.", "Où est ma commande ?"));
        assertEquals(List.of("bonjour", "je", "voudrais", "retourner", "l", "article"),
                Vocabulary.words("Bonjour, je voudrais retourner l'article."));
        assertEquals(10, v.size());
        assertTrue(v.contains("COMMANDE"));
        assertEquals(0, v.oovRate("où est l'article"), 0);
        // "extrayez", "la", "en" and "json" are new: 4 of 5 words.
        assertEquals(4.0 / 5, v.oovRate("Extrayez la commande en JSON"), 1e-12);
        assertEquals(0, v.oovRate("?!"), 0);
    }
}
