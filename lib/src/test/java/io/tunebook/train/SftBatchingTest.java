package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunebook.data.ChatFormatter;
import io.tunebook.data.Datasets;
import io.tunebook.data.TokenizedExample;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tensors;
import io.tunebook.model.Tokenizer;
import io.tunebook.model.safetensors.Dtype;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SftBatchingTest {
    static final Path TINY = Path.of("../models/tiny-base");

    /** Examples of the given lengths with recognisable ids (1000 * index + position) and a label on every other token. */
    static List<TokenizedExample> synthetic(int... lengths) {
        List<TokenizedExample> out = new ArrayList<>();
        for (int e = 0; e < lengths.length; e++) {
            long[] ids = new long[lengths[e]];
            long[] labels = new long[lengths[e]];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = 1000L * (e + 1) + t;
                labels[t] = t % 2 == 0 ? ids[t] : TokenizedExample.IGNORE_INDEX;
            }
            out.add(new TokenizedExample(ids, labels));
        }
        return out;
    }

    static SftBatching batching(SftBatching.Strategy strategy, int batchSize, int max, long seed) {
        return SftBatching.builder().strategy(strategy).batchSize(batchSize).maxSeqLength(max).padId(0).seed(seed)
                .build();
    }

    @Test
    void packsEveryExampleOnceWithoutCrossingRowsOrLabelsAcrossExamples() {
        List<TokenizedExample> examples = synthetic(7, 3, 9, 2, 5, 10, 1, 4, 6, 8);
        SftBatching packed = batching(SftBatching.Strategy.PACKED, 2, 10, 1);
        List<Batch> epoch = packed.epoch(examples);
        Map<Long, Integer> seen = new HashMap<>();
        long packedRows = 0;
        for (Batch b : epoch) {
            assertTrue(b.isPacked());
            assertTrue(b.length() <= 10);
            for (int r = 0; r < b.rows(); r++) {
                packedRows++;
                for (int t = 0; t < b.length(); t++) {
                    long id = b.inputIds()[r][t];
                    long segment = b.segmentIds()[r][t];
                    if (segment == 0) {
                        assertEquals(0, id, "padding");
                        assertEquals(TokenizedExample.IGNORE_INDEX, b.labels()[r][t]);
                        continue;
                    }
                    long position = id % 1000;
                    assertEquals(position, b.positionIds()[r][t], "positions restart with each example");
                    if (position == 0) {
                        seen.merge(id / 1000, 1, Integer::sum);
                        assertEquals(TokenizedExample.IGNORE_INDEX, b.labels()[r][t], "nothing predicts a first token");
                        assertTrue(t == 0 || b.segmentIds()[r][t - 1] != segment, "a new example, a new segment");
                    } else {
                        assertEquals(segment, b.segmentIds()[r][t - 1]);
                        assertEquals(position % 2 == 0 ? id : TokenizedExample.IGNORE_INDEX, b.labels()[r][t]);
                    }
                }
            }
        }
        assertEquals(10, seen.size());
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "each example exactly once: " + seen);
        assertEquals(6, packedRows, "55 tokens in rows of 10: best-fit decreasing fills 6 rows");
        assertEquals(55.0 / 60, SftBatching.paddingEfficiency(examples, epoch), 1e-9);
    }

    @Test
    void sameSeedSameBatchesAndEpochsReshuffle() {
        List<TokenizedExample> examples = synthetic(7, 3, 9, 2, 5, 10, 1, 4, 6, 8, 3, 3, 7);
        for (SftBatching.Strategy s : SftBatching.Strategy.values()) {
            TrainingData a = batching(s, 3, 12, 5).trainingData(examples);
            TrainingData b = batching(s, 3, 12, 5).trainingData(examples);
            TrainingData c = batching(s, 3, 12, 6).trainingData(examples);
            List<long[][]> first = new ArrayList<>();
            List<long[][]> other = new ArrayList<>();
            for (int epoch = 0; epoch < 3; epoch++) {
                BatchSource x = a.epoch(epoch);
                BatchSource y = b.epoch(epoch);
                BatchSource z = c.epoch(epoch);
                for (int i = 0; i < a.batchesPerEpoch(); i++) {
                    Batch batch = x.next();
                    assertArrayEquals(batch.inputIds(), y.next().inputIds(), s + ": same seed, same batch " + i);
                    first.add(batch.inputIds());
                    other.add(z.next().inputIds());
                }
            }
            assertNotEquals(Arrays.deepToString(first.subList(0, a.batchesPerEpoch()).toArray()),
                    Arrays.deepToString(first.subList(a.batchesPerEpoch(), 2 * a.batchesPerEpoch()).toArray()),
                    s + ": the next epoch is reshuffled");
            assertNotEquals(Arrays.deepToString(first.toArray()), Arrays.deepToString(other.toArray()),
                    s + ": another seed, another order");
        }
    }

    @Test
    void groupByLengthBatchesSimilarLengths() {
        Random random = new Random(3);
        int[] lengths = new int[64];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 1 + random.nextInt(40);
        }
        List<TokenizedExample> examples = synthetic(lengths);
        List<Batch> grouped = batching(SftBatching.Strategy.GROUP_BY_LENGTH, 8, 40, 1).epoch(examples);
        List<Batch> padded = batching(SftBatching.Strategy.PADDED, 8, 40, 1).epoch(examples);
        assertEquals(8, grouped.size());
        assertTrue(SftBatching.paddingEfficiency(examples, grouped) > 0.9);
        assertTrue(SftBatching.paddingEfficiency(examples, padded) < 0.75);
        for (Batch b : grouped) {
            assertTrue(!b.isPacked());
        }
    }

    @Test
    void refusesExamplesLongerThanARow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> batching(SftBatching.Strategy.PACKED, 2, 8, 1).epoch(synthetic(3, 9)));
        assertTrue(e.getMessage().contains("example 1 has 9 tokens, more than maxSeqLength 8"), e.getMessage());
    }

    /** A packed row gives each example the logits it gets alone, and the trainer the same loss. */
    @Test
    void packedRowMatchesEachExampleAlone() {
        try (CausalLM model = CausalLM.load(TINY); Tokenizer tokenizer = Tokenizer.load(TINY)) {
            List<TokenizedExample> examples = ChatFormatter.builder(tokenizer).maxSeqLength(512).build()
                    .tokenize(Datasets.load(Path.of("../datasets/support-fr/validation.jsonl")).head(4))
                    .examples();
            SftBatching packing = SftBatching.builder().strategy(SftBatching.Strategy.PACKED).batchSize(2)
                    .maxSeqLength(512).padId(SftBatching.padIdOf(tokenizer)).build();
            List<Batch> packed = packing.epoch(examples);
            assertTrue(packed.stream().mapToInt(Batch::rows).sum() < examples.size(), "rows hold several examples");
            double worst = 0;
            for (Batch b : packed) {
                worst = Math.max(worst, worstDifferenceFromAlone(model, b));
            }
            assertTrue(worst < 1e-4, "max |packed - alone| logit difference " + worst);

            TrainingArguments args = TrainingArguments.builder().build();
            try (Trainer trainer = Trainer.builder().model(TrainableModel.full(model, Dtype.F32)).arguments(args)
                    .trainData(packed).build()) {
                SftBatching padded = SftBatching.builder().strategy(SftBatching.Strategy.PADDED).batchSize(1)
                        .maxSeqLength(512).padId(SftBatching.padIdOf(tokenizer)).build();
                double packedLoss = trainer.evaluate(packed);
                double aloneLoss = trainer.evaluate(padded.epoch(examples));
                assertEquals(aloneLoss, packedLoss, 1e-4);
            }
        }
    }

    /** The largest difference between a packed batch's logits and those of each of its examples run alone. */
    private static double worstDifferenceFromAlone(CausalLM model, Batch b) {
        double worst = 0;
        try (NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(b.rows(), b.length());
            float[] rows = model.transformer().forwardPacked(Tensors.of(m, b.flatInputs(), shape),
                    Tensors.of(m, b.flatPositions(), shape), Tensors.of(m, b.flatSegments(), shape)).toFloatArray();
            int vocab = rows.length / (b.rows() * b.length());
            for (int r = 0; r < b.rows(); r++) {
                int t = 0;
                while (t < b.length() && b.segmentIds()[r][t] != 0) {
                    int start = t;
                    while (t < b.length() && b.segmentIds()[r][t] == b.segmentIds()[r][start]) {
                        t++;
                    }
                    long[] alone = Arrays.copyOfRange(b.inputIds()[r], start, t);
                    float[] expected = model.transformer().forward(Tensors.of(m, alone, new Shape(1, alone.length)),
                            null, null, null).toFloatArray();
                    for (int i = 0; i < expected.length; i++) {
                        worst = Math.max(worst, Math.abs(expected[i] - rows[(r * b.length() + start) * vocab + i]));
                    }
                }
            }
        }
        return worst;
    }

    /** Padding efficiency of the three strategies on support-fr with tiny-base's tokenizer, printed for the record. */
    @Test
    void paddingEfficiencyOnSupportFr() {
        try (Tokenizer tokenizer = Tokenizer.load(TINY)) {
            List<TokenizedExample> examples = ChatFormatter.builder(tokenizer).maxSeqLength(512).build()
                    .tokenize(Datasets.load(Path.of("../datasets/support-fr/train.jsonl"))).examples();
            Map<SftBatching.Strategy, Double> efficiency = new HashMap<>();
            for (SftBatching.Strategy s : SftBatching.Strategy.values()) {
                SftBatching batching = SftBatching.builder().strategy(s).batchSize(8).maxSeqLength(512)
                        .padId(SftBatching.padIdOf(tokenizer)).build();
                efficiency.put(s, SftBatching.paddingEfficiency(examples, batching.epoch(examples)));
            }
            System.out.printf("support-fr train, %d examples, batch 8, max 512: real tokens / slots: packed %.3f, "
                    + "group by length %.3f, padded %.3f%n", examples.size(), efficiency.get(SftBatching.Strategy.PACKED),
                    efficiency.get(SftBatching.Strategy.GROUP_BY_LENGTH), efficiency.get(SftBatching.Strategy.PADDED));
            // Answers of 100 to 400 tokens: packing leaves gaps in 512-token rows, sorting by length almost none.
            assertTrue(efficiency.get(SftBatching.Strategy.GROUP_BY_LENGTH) > 0.98, efficiency.toString());
            assertTrue(efficiency.get(SftBatching.Strategy.PACKED) > efficiency.get(SftBatching.Strategy.PADDED) + 0.1,
                    efficiency.toString());
        }
    }
}
