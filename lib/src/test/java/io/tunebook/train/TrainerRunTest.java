package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.model.CausalLM;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.model.safetensors.SafetensorsFile;
import io.tunebook.train.TrainingResult.StopReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Epochs, evaluation, checkpoints, resume, early stopping and best-model restore, on a small random Llama. */
class TrainerRunTest {
    private static final ModelConfig CONFIG = ModelConfig.read(Path.of("src/test/resources/fixtures/llama3/config.json"));

    @TempDir
    Path dir;

    private static List<Batch> batches(int count, int from) {
        int[] tokens = new int[6000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 5 + (i % 7) * 3 + (i % 3);
        }
        List<Batch> all = new TokenWindows(tokens, from, tokens.length, 2, 12, 0).sequential(count);
        assertEquals(count, all.size());
        return all;
    }

    /** Runs a fresh model (same init each time) and returns the per-step losses by step. */
    private TreeMap<Integer, Double> run(TrainingArguments args, Path out, Path resumeFrom, Consumer<Trainer> onBuilt,
            int stopAfter) {
        TreeMap<Integer, Double> losses = new TreeMap<>();
        try (CausalLM model = CausalLM.initialize(CONFIG, null, 7)) {
            Trainer[] self = new Trainer[1];
            try (Trainer trainer = Trainer.builder().fullFineTuning(model).arguments(args).trainData(batches(10, 0))
                    .evalData(batches(2, 4000)).outputDir(out)
                    .callback(new TrainerCallback() {
                        @Override
                        public void onStep(StepMetrics m) {
                            losses.put(m.step(), m.loss());
                            if (m.step() == stopAfter) {
                                self[0].requestStop();
                            }
                        }
                    }).build()) {
                self[0] = trainer;
                onBuilt.accept(trainer);
                TrainingResult r = resumeFrom == null ? trainer.train() : trainer.train(resumeFrom);
                assertEquals(stopAfter > 0 ? StopReason.INTERRUPTED : StopReason.COMPLETED, r.stopReason());
            }
        }
        return losses;
    }

    private static TrainingArguments.Builder base() {
        return TrainingArguments.builder().numTrainEpochs(2).perDeviceTrainBatchSize(2).gradientAccumulationSteps(3)
                .learningRate(5e-3).warmupSteps(1).loggingSteps(1).seed(3);
    }

    @Test
    void epochsCheckpointsAndMetricsFollowTheArguments() throws IOException {
        TrainingArguments args = base().evalSteps(4).saveSteps(2).saveTotalLimit(2).build();
        Path out = dir.resolve("run");
        TreeMap<Integer, Double> losses = run(args, out, null, t -> assertEquals(8, t.totalSteps()), 0);
        // 10 micro-batches with accumulation 3 make 4 steps an epoch (3+3+3+1): 8 steps in 2 epochs.
        assertEquals(8, losses.size());
        assertTrue(losses.get(8) < losses.get(1), "loss falls: " + losses);
        assertEquals(List.of(6, 8), Checkpoints.steps(out), "saveTotalLimit keeps the 2 newest");
        assertTrue(Files.exists(out.resolve("model/model.safetensors")), "final model written");
        assertTrue(Files.exists(out.resolve("checkpoint-8/model/config.json")));
        List<JsonObject> lines = metrics(out);
        assertEquals(8, lines.stream().filter(l -> l.has("loss")).count());
        assertEquals(List.of(4, 8), lines.stream().filter(l -> l.has("eval_loss")).map(l -> l.get("step").getAsInt())
                .collect(Collectors.toList()));
        JsonObject first = lines.get(0);
        assertEquals(1, first.get("step").getAsInt());
        assertEquals(0.3, first.get("epoch").getAsDouble(), 1e-9, "3 of 10 micro-batches of the first epoch");
        assertTrue(first.has("lr") && first.has("grad_norm") && first.has("tokens_per_second"));
        try (Stream<Path> leftovers = Files.list(out)) {
            assertFalse(leftovers.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no staging left");
        }
    }

    @Test
    void resumingReproducesTheUninterruptedRun() throws IOException {
        TrainingArguments args = base().saveSteps(3).build();
        TreeMap<Integer, Double> whole = run(args, dir.resolve("whole"), null, t -> { }, 0);
        Path cut = dir.resolve("cut");
        TreeMap<Integer, Double> interrupted = run(args, cut, null, t -> { }, 5);
        assertEquals(5, interrupted.size(), "the stop request ends the run at the next step boundary");
        assertEquals(List.of(3, 5), Checkpoints.steps(cut), "a stopped run saves the step it stopped at");
        TreeMap<Integer, Double> resumed = run(args, cut, cut.resolve("checkpoint-3"), t -> { }, 0);
        assertEquals(whole.tailMap(4), resumed, "steps 4..8 after resuming at 3, across the epoch boundary");
        List<Integer> logged = metrics(cut).stream().filter(l -> l.has("loss")).map(l -> l.get("step").getAsInt())
                .collect(Collectors.toList());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), logged, "metrics.jsonl reads as one run, steps 4-5 not twice");
        try (SafetensorsFile a = SafetensorsFile.open(dir.resolve("whole/checkpoint-6/" + Checkpoints.TRAINABLE));
                SafetensorsFile b = SafetensorsFile.open(cut.resolve("checkpoint-6/" + Checkpoints.TRAINABLE))) {
            for (var e : a.entries()) {
                assertEquals(a.readRaw(e.name()), b.readRaw(e.name()), "bit-identical weights: " + e.name());
            }
        }
    }

    @Test
    void resumeRefusesADifferentPlan() {
        TrainingArguments args = base().saveSteps(3).maxSteps(3).build();
        Path out = dir.resolve("short");
        run(args, out, null, t -> { }, 0);
        TrainingArguments longer = base().saveSteps(3).maxSteps(6).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(longer, out, out.resolve("checkpoint-3"), t -> { }, 0));
        assertTrue(e.getMessage().contains("planned for 3 steps"), e.getMessage());
    }

    @Test
    void earlyStoppingAndBestModelAtEnd() throws IOException {
        // A threshold no loss can beat: only the first evaluation counts as an improvement.
        TrainingArguments args = base().numTrainEpochs(5).evalSteps(2).saveSteps(2).earlyStopping(2, 100)
                .loadBestModelAtEnd(true).saveTotalLimit(1).build();
        Path out = dir.resolve("early");
        TrainingResult[] result = new TrainingResult[1];
        Map<String, float[]> finalWeights = new TreeMap<>();
        try (CausalLM model = CausalLM.initialize(CONFIG, null, 7);
                Trainer trainer = Trainer.builder().fullFineTuning(model).arguments(args).trainData(batches(10, 0))
                        .evalData(batches(2, 4000)).outputDir(out).build()) {
            result[0] = trainer.train();
            model.transformer().parameters().forEach((k, v) -> finalWeights.put(k, v.toFloatArray()));
        }
        TrainingResult r = result[0];
        assertEquals(StopReason.EARLY_STOPPING, r.stopReason());
        assertEquals(6, r.steps(), "evaluations at 2 (best), 4 and 6 (two without improvement)");
        assertEquals(2, r.bestStep());
        assertEquals(List.of(2, 6), Checkpoints.steps(out), "the best checkpoint survives saveTotalLimit 1");
        try (SafetensorsFile best = SafetensorsFile.open(out.resolve("checkpoint-2/" + Checkpoints.TRAINABLE))) {
            for (var e : best.entries()) {
                ByteBuffer raw = best.readFloat32(e.name());
                float[] expected = new float[raw.remaining() / 4];
                raw.asFloatBuffer().get(expected);
                assertArrayEquals(expected, finalWeights.get(e.name()), "best weights restored: " + e.name());
            }
        }
        assertEquals(r.bestEvalLoss(), r.finalEvalLoss(), 1e-6, "the final evaluation is of the restored model");
    }

    @Test
    void aFailedSaveLeavesThePreviousCheckpoint() throws IOException {
        TrainingArguments args = base().saveSteps(2).build();
        Path out = dir.resolve("crash");
        int[] saves = {0};
        try (CausalLM model = CausalLM.initialize(CONFIG, null, 7)) {
            TrainableModel full = TrainableModel.full(model, Dtype.F32);
            TrainableModel flaky = new TrainableModel() {
                @Override
                public CausalLM model() {
                    return model;
                }

                @Override
                public Map<String, NDArray> trainableParameters() {
                    return full.trainableParameters();
                }

                @Override
                public void saveTrained(Path target) {
                    if (++saves[0] == 2) {
                        throw new IllegalStateException("disk full");
                    }
                    full.saveTrained(target);
                }

                @Override
                public String artifactName() {
                    return full.artifactName();
                }
            };
            try (Trainer trainer = Trainer.builder().model(flaky).arguments(args).trainData(batches(10, 0))
                    .outputDir(out).build()) {
                assertThrows(IllegalStateException.class, trainer::train);
            }
        }
        assertEquals(List.of(2), Checkpoints.steps(out));
        assertTrue(Files.exists(out.resolve("checkpoint-2/model/model.safetensors")));
        try (Stream<Path> files = Files.list(out)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains("checkpoint-4")), "no half checkpoint");
        }
    }

    @Test
    void anInterruptOfTheTrainingThreadStopsAtTheNextStepWithAWholeCheckpoint() throws IOException {
        // As a notebook cell calling trainer.train() directly is interrupted: here from a callback on step 2.
        TrainingArguments args = base().saveSteps(100).build();
        Path out = dir.resolve("interrupted");
        TrainingResult r;
        boolean stillInterrupted;
        try (CausalLM model = CausalLM.initialize(CONFIG, null, 7);
                Trainer trainer = Trainer.builder().fullFineTuning(model).arguments(args).trainData(batches(10, 0))
                        .outputDir(out).callback(new TrainerCallback() {
                            @Override
                            public void onStep(StepMetrics m) {
                                if (m.step() == 2) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        }).build()) {
            r = trainer.train();
            stillInterrupted = Thread.interrupted();
        }
        assertEquals(StopReason.INTERRUPTED, r.stopReason());
        assertEquals(2, r.steps());
        assertTrue(stillInterrupted, "the interrupt is handed back to the caller");
        // Written although the thread was interrupted: the flag was taken at the boundary, then given back.
        assertEquals(List.of(2), Checkpoints.steps(out));
        assertEquals(2, Checkpoints.readState(out.resolve("checkpoint-2")).globalStep());
        assertTrue(Files.exists(out.resolve("model/model.safetensors")));
    }

    @Test
    void aCheckpointIsValidatedFieldByFieldBeforeAnythingIsRestored() throws IOException {
        TrainingArguments args = base().saveSteps(3).maxSteps(3).build();
        Path out = dir.resolve("state");
        run(args, out, null, t -> { }, 0);
        Path checkpoint = out.resolve("checkpoint-3");
        Path stateFile = checkpoint.resolve(Checkpoints.STATE);
        String good = Files.readString(stateFile);
        JsonObject state = JsonParser.parseString(good).getAsJsonObject();
        assertTrue(state.get("bestEvalLoss").isJsonNull(), "no evaluation yet: null, not NaN (JSON has no NaN): " + good);
        assertEquals(3, Checkpoints.readState(checkpoint).globalStep());
        String[][] cases = {
            {"globalStep", "99", "globalStep is 99, outside [0, 3]"},
            {"globalStep", "-1", "globalStep is -1, outside [0, 3]"},
            {"totalSteps", "0", "totalSteps is 0, outside [1, "},
            {"epoch", "\"one\"", "epoch must be an integer, got \"one\""},
            {"batchInEpoch", "1.5", "batchInEpoch must be an integer, got 1.5"},
            {"bestStep", "0", "bestStep is 0"},
            {"bestStep", "2", "bestEvalLoss null does not go with bestStep 2"},
            {"evalsWithoutImprovement", "4", "evalsWithoutImprovement is 4, outside [0, 3]"},
            {"seed", "1e40", "seed is 10000000000000000000000000000000000000000, outside"},
            {"seed", "0.5", "seed must be an integer, got 0.5"},
            {"bestEvalLoss", "\"low\"", "bestEvalLoss must be a finite number or null"},
            {"seed", null, "missing field seed"},
        };
        for (String[] c : cases) {
            JsonObject bad = state.deepCopy();
            if (c[1] == null) {
                bad.remove(c[0]);
            } else {
                bad.add(c[0], JsonParser.parseString(c[1]));
            }
            Files.writeString(stateFile, bad.toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoints.readState(checkpoint), c[0] + " = " + c[1]);
            assertTrue(e.getMessage().startsWith("cannot resume from " + checkpoint + ": trainer_state.json: "),
                    e.getMessage());
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
        Files.writeString(stateFile, "[1, 2]");
        assertThrows(IllegalArgumentException.class, () -> Checkpoints.readState(checkpoint));

        // A data position past the end of an epoch of this run's data.
        JsonObject far = state.deepCopy();
        far.addProperty("batchInEpoch", Integer.MAX_VALUE);
        Files.writeString(stateFile, far.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(args, out, checkpoint, t -> { }, 0));
        assertTrue(e.getMessage().contains("batchInEpoch is 2147483647, but an epoch of this run has 10 batches"),
                e.getMessage());
        Files.writeString(stateFile, good);

        // Non-finite weights and a bad optimizer step are refused, naming the file and tensor.
        Path trainable = checkpoint.resolve(Checkpoints.TRAINABLE);
        byte[] weights = Files.readAllBytes(trainable);
        rewrite(trainable, Map.of(), true);
        e = assertThrows(IllegalArgumentException.class, () -> run(args, out, checkpoint, t -> { }, 0));
        assertTrue(e.getMessage().contains("holds NaN at index 0: a checkpoint's arrays must be finite"), e.getMessage());
        Files.write(trainable, weights);
        rewrite(checkpoint.resolve(Checkpoints.OPTIMIZER), Map.of("step", "three"), false);
        e = assertThrows(IllegalArgumentException.class, () -> run(args, out, checkpoint, t -> { }, 0));
        assertTrue(e.getMessage().contains("metadata 'step' must be a non-negative integer, got 'three'"),
                e.getMessage());
    }

    /** Rewrites a float32 safetensors file with other metadata, its first value NaN if asked. */
    private static void rewrite(Path file, Map<String, String> metadata, boolean firstNaN) throws IOException {
        io.tunebook.model.safetensors.SafetensorsWriter w = new io.tunebook.model.safetensors.SafetensorsWriter();
        metadata.forEach(w::metadata);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            boolean first = firstNaN;
            for (var entry : f.entries()) {
                java.nio.FloatBuffer fb = f.readFloat32(entry.name()).asFloatBuffer();
                float[] values = new float[fb.remaining()];
                fb.get(values);
                if (first) {
                    values[0] = Float.NaN;
                    first = false;
                }
                w.add(entry.name(), entry.shape(), values, Dtype.F32);
            }
        }
        w.write(file);
    }

    @Test
    void aTornOrPaddedLastMetricsLineIsDroppedOnResume() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1,\"loss\":2.0}\n{\"step\":2,\"loss\":1.5}\n{\"step\":3,\"lo");
        Files.write(file, new byte[16], java.nio.file.StandardOpenOption.APPEND);
        try (MetricsLog log = MetricsLog.resume(file, 2)) {
            log.onEvaluate(2, Double.NaN);
        }
        assertEquals(List.of("{\"step\":1,\"loss\":2.0}", "{\"step\":2,\"loss\":1.5}",
                "{\"step\":2,\"eval_loss\":null}"), Files.readAllLines(file), "torn line dropped; NaN written as null");
        Files.writeString(file, "{\"step\":1}\nnot json\n{\"step\":2}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricsLog.resume(file, 2));
        assertTrue(e.getMessage().contains("not a metrics line: not json"), e.getMessage());
    }

    @Test
    void argumentsAreValidatedWithTheirNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingArguments.builder().loadBestModelAtEnd(true).build());
        assertTrue(e.getMessage().contains("evalStrategy"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainingArguments.builder().evalSteps(10).saveSteps(15).loadBestModelAtEnd(true).build());
        assertTrue(e.getMessage().contains("multiple of evalSteps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainingArguments.builder().earlyStopping(3, 0).build());
        assertTrue(e.getMessage().contains("earlyStoppingPatience"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainingArguments.builder().perDeviceTrainBatchSize(0).build());
        assertTrue(e.getMessage().contains("perDeviceTrainBatchSize"), e.getMessage());
        assertEquals(16, TrainingArguments.builder().build().effectiveBatchSize(), "the seeds' effective batch");
    }

    private static List<JsonObject> metrics(Path out) throws IOException {
        return Files.readAllLines(out.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).collect(Collectors.toList());
    }
}
