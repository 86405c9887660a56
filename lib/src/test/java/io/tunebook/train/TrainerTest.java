package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.tunebook.model.CausalLM;
import io.tunebook.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static final Path CONFIG = Path.of("src/test/resources/fixtures/llama3/config.json");

    /** A periodic token stream: learnable, so the loss must fall well below log(vocab). */
    private static int[] pattern(int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = 5 + (i % 7) * 3 + (i % 3);
        }
        return t;
    }

    private static List<Double> run(long seed, int batch, int accumulation, int steps) {
        ModelConfig config = ModelConfig.read(CONFIG);
        List<Double> losses = new ArrayList<>();
        try (CausalLM model = CausalLM.initialize(config, null, seed)) {
            TrainingArguments args = TrainingArguments.builder().maxSteps(steps).gradientAccumulationSteps(accumulation)
                    .learningRate(3e-3).warmupSteps(2).loggingSteps(1).seed(seed).build();
            int[] tokens = pattern(4096);
            TrainingData data = TrainingData.endless(() -> new TokenWindows(tokens, 0, tokens.length, batch, 24, seed));
            try (Trainer trainer = Trainer.builder().fullFineTuning(model).arguments(args).trainData(data)
                    .callback(new TrainerCallback() {
                        @Override
                        public void onStep(StepMetrics m) {
                            losses.add(m.loss());
                        }
                    }).build()) {
                trainer.train();
            }
        }
        return losses;
    }

    @Test
    void fullTrainingLowersTheLossAndIsReproducible() {
        List<Double> first = run(11, 4, 1, 30);
        List<Double> second = run(11, 4, 1, 30);
        assertEquals(first, second, "same seed, same machine: same losses");
        double start = first.get(0);
        double end = first.get(first.size() - 1);
        assertTrue(start > Math.log(192) - 0.5, "starts near uniform: " + start);
        assertTrue(end < start / 3, "loss falls from " + start + " to " + end);
    }

    @Test
    void trainingSurvivesConstantGarbageCollection() throws Exception {
        // Tensors whose memory the JVM could reclaim mid-step turned gradients into NaN within a few steps.
        Thread collector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        collector.setDaemon(true);
        collector.start();
        try {
            List<Double> losses = run(4, 2, 2, 25);
            assertEquals(25, losses.size());
            assertTrue(losses.stream().allMatch(Double::isFinite), losses.toString());
        } finally {
            collector.interrupt();
            collector.join();
        }
    }

    @Test
    void gradientAccumulationEqualsTheLargeBatch() {
        // 2 micro-batches of 2 rows see the same rows as 1 batch of 4 when the windows come from one seeded stream.
        ModelConfig config = ModelConfig.read(CONFIG);
        int[] tokens = pattern(4096);
        List<Batch> rows = new ArrayList<>();
        TokenWindows source = new TokenWindows(tokens, 0, tokens.length, 2, 16, 5);
        for (int i = 0; i < 6; i++) {
            rows.add(source.next());
        }
        Map<String, float[]> big = trainOnce(config, rows, 1);
        Map<String, float[]> accumulated = trainOnce(config, rows, 2);
        for (String name : big.keySet()) {
            float[] a = big.get(name);
            float[] b = accumulated.get(name);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 2e-5, name + "[" + i + "]");
            }
        }
    }

    /** Three optimizer steps over the same six 2-row micro-batches, grouped in batches of 4 or accumulated 2x2. */
    private static Map<String, float[]> trainOnce(ModelConfig config, List<Batch> rows, int accumulation) {
        List<Batch> feed = new ArrayList<>();
        if (accumulation == 1) {
            for (int i = 0; i < rows.size(); i += 2) {
                feed.add(concat(rows.get(i), rows.get(i + 1)));
            }
        } else {
            feed.addAll(rows);
        }
        int[] next = {0};
        try (CausalLM model = CausalLM.initialize(config, null, 3)) {
            TrainingArguments args = TrainingArguments.builder().maxSteps(3).gradientAccumulationSteps(accumulation)
                    .learningRate(1e-2).warmupSteps(1).lrScheduler(SchedulerType.CONSTANT).loggingSteps(1).build();
            try (Trainer trainer = Trainer.builder().fullFineTuning(model).arguments(args)
                    .trainData(TrainingData.endless(() -> () -> feed.get(next[0]++))).build()) {
                trainer.train();
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            model.transformer().parameters().forEach((k, v) -> out.put(k, v.toFloatArray()));
            return out;
        }
    }

    private static Batch concat(Batch a, Batch b) {
        long[][] ids = new long[a.rows() + b.rows()][];
        System.arraycopy(a.inputIds(), 0, ids, 0, a.rows());
        System.arraycopy(b.inputIds(), 0, ids, a.rows(), b.rows());
        return new Batch(ids, ids);
    }

    @Test
    void nanLossStopsTheRunAndKeepsTheLastGoodWeights() {
        ModelConfig config = ModelConfig.read(CONFIG);
        try (CausalLM model = CausalLM.initialize(config, null, 1)) {
            int[] tokens = pattern(2048);
            NDArray norm = model.transformer().parameters().get("model.norm.weight");
            Map<String, float[]> before = new LinkedHashMap<>();
            TrainingArguments args = TrainingArguments.builder().maxSteps(5).gradientAccumulationSteps(1)
                    .learningRate(1e-3).loggingSteps(1).build();
            int[] calls = {0};
            BatchSource poisoned = () -> {
                if (++calls[0] == 3) {
                    // Poison the model between steps: the next forward produces a NaN loss.
                    model.transformer().parameters().forEach((k, v) -> before.put(k, v.toFloatArray()));
                    norm.set(new NDIndex("0"), Float.NaN);
                    before.get("model.norm.weight")[0] = Float.NaN;
                }
                return new TokenWindows(tokens, 0, tokens.length, 2, 16, calls[0]).next();
            };
            try (Trainer trainer = Trainer.builder().fullFineTuning(model).arguments(args)
                    .trainData(TrainingData.endless(() -> poisoned)).build()) {
                TrainingDivergedException e = assertThrows(TrainingDivergedException.class, trainer::train);
                assertTrue(e.getMessage().contains("step 3"), e.getMessage());
                assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            }
            model.transformer().parameters().forEach((k, v) ->
                    assertArrayEquals(before.get(k), v.toFloatArray(), "weights changed after the failed step: " + k));
        }
    }

    @Test
    void schedulesFollowTransformers() {
        assertEquals(0.0, SchedulerType.COSINE.multiplier(0, 10, 110), 1e-12);
        assertEquals(0.5, SchedulerType.COSINE.multiplier(5, 10, 110), 1e-12);
        assertEquals(1.0, SchedulerType.COSINE.multiplier(10, 10, 110), 1e-12);
        assertEquals(0.5, SchedulerType.COSINE.multiplier(60, 10, 110), 1e-12);
        assertEquals(0.0, SchedulerType.COSINE.multiplier(110, 10, 110), 1e-12);
        assertEquals(0.5, SchedulerType.LINEAR.multiplier(60, 10, 110), 1e-12);
        assertEquals(1.0, SchedulerType.CONSTANT.multiplier(100, 10, 110), 1e-12);
        TrainingArguments ratio = TrainingArguments.builder().maxSteps(95).warmupRatio(0.1).build();
        assertEquals(10, ratio.resolvedWarmupSteps(ratio.totalSteps(0)));
        TrainingArguments epochs = TrainingArguments.builder().numTrainEpochs(3).gradientAccumulationSteps(4).build();
        assertEquals(3 * 3, epochs.totalSteps(10), "10 micro-batches make 3 steps an epoch, the last one shorter");
        assertThrows(IllegalArgumentException.class, () -> TrainingArguments.builder().learningRate(-1).build());
        assertThrows(IllegalArgumentException.class, () -> TrainingArguments.builder().warmupRatio(1.5).build());
    }
}
