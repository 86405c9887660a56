package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batched decoding on the shipped model gives, row for row, what each prompt gives alone. */
class BatchDecoderTest {
    private static CausalLM model;
    private static final String[] PROMPTS = {
        "Bonjour",
        "Ma commande n'est pas arrivée, que faire ?",
        "1 2 3 4 5 6 7 8 9",
        "Le client demande un remboursement car le colis est arrivé abîmé et il voudrait savoir quels documents fournir",
        "Merci",
    };

    @BeforeAll
    static void load() {
        model = CausalLM.load(ShippedModelTest.DIR);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<long[]> prompts() {
        List<long[]> ids = new ArrayList<>();
        for (String p : PROMPTS) {
            ids.add(model.tokenizer().encode(p, true));
        }
        return ids;
    }

    @Test
    void batchedGreedyEqualsUnbatchedTokenForToken() {
        List<long[]> prompts = prompts();
        GenerationSettings greedy = GenerationSettings.greedy(24);
        Generator g = Generator.of(model);
        List<GenerationResult> batched = g.generateIds(prompts, greedy, null);
        for (int i = 0; i < prompts.size(); i++) {
            GenerationResult alone = g.generateIds(List.of(prompts.get(i)), greedy, null).get(0);
            assertArrayEquals(alone.ids(), batched.get(i).ids(), "prompt " + i + " (" + PROMPTS[i] + ")");
            assertEquals(alone.finishReason(), batched.get(i).finishReason());
        }
    }

    private static GenerationSettings greedy(int tokens) {
        return GenerationSettings.builder().maxNewTokens(tokens).eosTokenIds(List.of()).build();
    }

    @Test
    void rowsLeaveWhenDoneAndJoinMidwayWithoutChangingTheirTokens() {
        List<long[]> prompts = prompts();
        Generator g = Generator.of(model);
        List<long[]> alone = new ArrayList<>();
        int[] lengths = {3, 20, 7, 12, 12};
        // Without an EOS every row runs to its own length, so rows leave at known steps.
        for (int i = 0; i < prompts.size(); i++) {
            alone.add(g.generateIds(List.of(prompts.get(i)), greedy(lengths[i]), null).get(0).ids());
        }
        try (BatchDecoder decoder = new BatchDecoder(model)) {
            List<BatchDecoder.Sequence> seqs = new ArrayList<>();
            List<Integer> finishedAt = new ArrayList<>();
            seqs.add(decoder.add(prompts.get(0), greedy(lengths[0]), 0, null));
            seqs.add(decoder.add(prompts.get(1), greedy(lengths[1]), 1, null));
            int step = 0;
            while (decoder.active() > 0) {
                if (step == 2) {
                    // Joins a batch whose rows are already several tokens in (and longer or shorter than it).
                    seqs.add(decoder.add(prompts.get(2), greedy(lengths[2]), 2, null));
                    seqs.add(decoder.add(prompts.get(3), greedy(lengths[3]), 3, null));
                }
                if (step == 5) {
                    seqs.add(decoder.add(prompts.get(4), greedy(lengths[4]), 4, null));
                }
                int active = decoder.active();
                List<BatchDecoder.Sequence> done = decoder.step();
                for (BatchDecoder.Sequence s : done) {
                    finishedAt.add(s.index());
                }
                assertEquals(active - done.size(), decoder.active());
                step++;
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertArrayEquals(alone.get(i), seqs.get(i).result().ids(), "prompt " + i);
            }
            // The 3-token row is done long before the 20-token one, which finishes last.
            assertEquals(0, finishedAt.get(0));
            assertEquals(1, finishedAt.get(finishedAt.size() - 1));
        }
    }

    @Test
    void aFailingListenerOrACancelEndsItsRowOnly() {
        List<long[]> prompts = prompts();
        Generator g = Generator.of(model);
        long[] expected = g.generateIds(List.of(prompts.get(1)), greedy(10), null).get(0).ids();
        RuntimeException gone = new IllegalStateException("client gone");
        try (BatchDecoder decoder = new BatchDecoder(model)) {
            List<Long> seen = new ArrayList<>();
            BatchDecoder.Sequence failing = decoder.add(prompts.get(0), greedy(10), 0,
                    (row, id, delta) -> {
                        seen.add(id);
                        if (seen.size() == 3) {
                            throw gone;
                        }
                    });
            BatchDecoder.Sequence kept = decoder.add(prompts.get(1), greedy(10), 1, null);
            BatchDecoder.Sequence cancelled = decoder.add(prompts.get(2), greedy(10), 2, null);
            decoder.step();
            cancelled.cancel();
            List<BatchDecoder.Sequence> finished = new ArrayList<>();
            while (decoder.active() > 0) {
                finished.addAll(decoder.step());
            }
            assertSame(gone, failing.failure().orElseThrow());
            assertEquals(3, seen.size(), "no token after the listener failed");
            assertEquals(10, kept.result().ids().length);
            assertEquals(3, failing.result().ids().length);
            assertTrue(cancelled.cancelled());
            // Its first step gave two tokens (the prefill's and one decoded); none after the cancel.
            assertEquals(2, cancelled.result().ids().length);
            assertFalse(kept.failure().isPresent());
            assertArrayEquals(expected, kept.result().ids());
            assertTrue(finished.containsAll(List.of(failing, kept, cancelled)));
        }
    }

    @Test
    void withARowLimitRowsJoinInFinishedRowsPlacesAndEachGivesWhatItGivesAlone() {
        List<long[]> prompts = prompts();
        long[] merci = prompts.get(4);
        // Row 0 decodes on while the others take the second row in turn: "Merci" leaves after 3 tokens and the
        // long prompt joins in its place, longer than the cache (widened); the next ones are shorter (written in
        // place). One samples with its seed, one stops at EOS or a stop string, one is done after its first token.
        List<long[]> ids = List.of(prompts.get(0), merci, prompts.get(3), prompts.get(1), prompts.get(2), merci);
        List<GenerationSettings> settings = List.of(greedy(20), greedy(3), greedy(6),
                GenerationSettings.builder().maxNewTokens(8).temperature(0.8).seed(7).eosTokenIds(List.of()).build(),
                GenerationSettings.builder().maxNewTokens(12).stopStrings(".").build(), greedy(1));
        Generator g = Generator.of(model);
        try (BatchDecoder decoder = new BatchDecoder(model, 2)) {
            List<BatchDecoder.Sequence> seqs = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                seqs.add(decoder.add(ids.get(i), settings.get(i), i, null));
            }
            List<Integer> finishedAt = new ArrayList<>();
            while (decoder.active() > 0) {
                for (BatchDecoder.Sequence s : decoder.step()) {
                    finishedAt.add(s.index());
                }
                assertTrue(decoder.rowsDecoding() <= 2, "rows decoding: " + decoder.rowsDecoding());
            }
            assertEquals(ids.size(), finishedAt.size());
            assertEquals(1, finishedAt.get(0)); // "Merci" left first, the others joined after it
            for (int i = 0; i < ids.size(); i++) {
                GenerationResult alone = g.generateIds(List.of(ids.get(i)), settings.get(i), null).get(0);
                assertArrayEquals(alone.ids(), seqs.get(i).result().ids(), "sequence " + i);
                assertEquals(alone.finishReason(), seqs.get(i).result().finishReason(), "sequence " + i);
            }
        }
    }

    @Test
    void aDecoderWhoseBatchEmptiedHoldsNoCacheThroughTheScriptedStep() {
        try (BatchDecoder decoder = new BatchDecoder(model)) {
            for (long[] p : prompts()) {
                decoder.add(p, greedy(8), 0, null);
            }
            decoder.step();
            assertTrue(decoder.active() > 0);
            assertTrue(decoder.decoding().scripted());
            assertTrue(decoder.decoding().holdsCache(), "between steps the scripted step keeps the cache's buffers");
            while (decoder.active() > 0) {
                decoder.step();
            }
            assertFalse(decoder.decoding().holdsCache(), "an idle decoder (the server's) would keep them alive");
        }
    }

    @Test
    void aSmallStepRunsOnOneThreadAndPutsTheThreadCountBack() {
        try (NDManager m = model.manager().newSubManager(); Decoding d = model.transformer().decoding(m)) {
            assertTrue(d.oneThread(1));
            assertTrue(d.oneThread(64)); // 64 x 6.2 M multiply-adds
            assertFalse(d.oneThread(65));
        }
        int threads = JniUtils.getNumThreads();
        try (BatchDecoder decoder = new BatchDecoder(model)) {
            for (long[] p : prompts()) {
                decoder.add(p, greedy(3), 0, null);
            }
            while (decoder.active() > 0) {
                decoder.step();
                assertEquals(threads, JniUtils.getNumThreads());
            }
        }
    }
}
