package io.tunebook.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The paired bootstrap and the corpus values it recomputes. */
class BootstrapTest {
    @Test
    void percentilesInterpolateAsNumpy() {
        double[] sorted = {1, 2, 3, 4, 10};
        assertEquals(1.1, Bootstrap.percentile(sorted, 0.025), 1e-12); // numpy.percentile(x, 2.5)
        assertEquals(9.4, Bootstrap.percentile(sorted, 0.975), 1e-12);
        assertEquals(3, Bootstrap.percentile(sorted, 0.5), 1e-12);
    }

    @Test
    void theSameSeedDrawsTheSameIntervalsAndTheyHoldTheValue() {
        MetricScores s = MetricScores.mean(new double[] {0, 1, 1, 0, 1, 1, 1, 0, 1, 1});
        ConfidenceInterval a = new Bootstrap(10, 500, 7).interval(s);
        assertEquals(a, new Bootstrap(10, 500, 7).interval(s));
        assertEquals(0.7, a.value(), 1e-12);
        assertTrue(a.low() < 0.7 && a.high() > 0.7 && a.low() >= 0 && a.high() <= 1, a.toString());
    }

    @Test
    void identicalCandidatesDifferByExactlyNothing() {
        MetricScores s = MetricScores.mean(new double[] {0.2, 0.9, 0.4, 0.5});
        ConfidenceInterval d = new Bootstrap(4, 300, 1).difference(s, s);
        assertEquals(new ConfidenceInterval(0, 0, 0), d);
        assertFalse(d.excludesZero());
    }

    @Test
    void aConsistentImprovementIsSeenAsOneWhereIndependentIntervalsOverlap() {
        // Each example improves by 0.1 while examples vary a lot: pairing sees the gain for sure.
        double[] base = {0.1, 0.9, 0.3, 0.7, 0.5, 0.2, 0.8, 0.4, 0.6, 0.35, 0.65, 0.15};
        double[] tuned = new double[base.length];
        for (int i = 0; i < base.length; i++) {
            tuned[i] = base[i] + 0.1;
        }
        Bootstrap b = new Bootstrap(base.length, 1000, 42);
        ConfidenceInterval d = b.difference(MetricScores.mean(tuned), MetricScores.mean(base));
        assertEquals(0.1, d.value(), 1e-12);
        assertEquals(0.1, d.low(), 1e-9);
        assertEquals(0.1, d.high(), 1e-9);
        assertTrue(d.excludesZero());
        assertTrue(b.interval(MetricScores.mean(tuned)).low() < b.interval(MetricScores.mean(base)).high(),
                "the candidates' own intervals overlap");
    }

    @Test
    void corpusBleuFromSummedStatisticsIsSacrebleusCorpusScore() {
        List<String> hyps = List.of("le chat est sur le tapis", "il pleut beaucoup ici", "bonjour à tous");
        List<String> refs = List.of("le chat est assis sur le tapis", "il pleut fort ici", "bonjour à tous");
        Bleu bleu = Bleu.corpus();
        double[][] stats = new double[3][];
        for (int i = 0; i < 3; i++) {
            stats[i] = bleu.segmentStatistics(hyps.get(i), List.of(refs.get(i)));
        }
        MetricScores s = MetricScores.bleu(bleu, stats, new double[3]);
        assertEquals(bleu.corpusScore(hyps, List.of(refs)).score(), s.corpus(), 1e-12);
        assertEquals(bleu.corpusScore(List.of(hyps.get(0), hyps.get(0), hyps.get(2)),
                List.of(List.of(refs.get(0), refs.get(0), refs.get(2)))).score(), s.corpus(new int[] {0, 0, 2}), 1e-12);
    }

    @Test
    void perplexityWeighsTokensNotSequences() {
        MetricScores p = MetricScores.perplexity(new double[][] {{-2, 1}, {-3, 3}});
        assertEquals(Math.exp(5.0 / 4), p.corpus(), 1e-12);
        assertEquals(Math.exp(2), p.example(0), 1e-12);
        assertTrue(Double.isNaN(MetricScores.absent(2).corpus()));
        assertEquals(ConfidenceInterval.NONE, new Bootstrap(2, 10, 0).interval(MetricScores.absent(2)));
    }
}
