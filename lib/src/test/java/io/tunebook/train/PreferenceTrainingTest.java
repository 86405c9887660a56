package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.data.Conversation;
import io.tunebook.data.Example;
import io.tunebook.data.Message;
import io.tunebook.data.Preference;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraInit;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.Autograd;
import io.tunebook.model.CausalLM;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreferenceTrainingTest {
    private static final ModelConfig CONFIG = ModelConfig.read(Path.of("src/test/resources/fixtures/llama3/config.json"));
    private static final Path TINY = Path.of("../models/tiny-base");

    /** Two pairs: rows 0-1 chosen, 2-3 rejected; a 6-token prompt masked, the rejected rows shorter (padded). */
    private static Batch pairs(long seed, int vocab) {
        Random r = new Random(seed);
        int len = 21;
        long[][] ids = new long[4][len];
        long[][] labels = new long[4][len];
        for (int b = 0; b < 4; b++) {
            int end = b < 2 ? len : len - 4 - b;
            for (int t = 0; t < len; t++) {
                ids[b][t] = t < end ? 4 + r.nextInt(vocab - 4) : 0;
                labels[b][t] = t < 6 || t >= end ? CausalLmLoss.IGNORE_INDEX : ids[b][t];
            }
            System.arraycopy(ids[b % 2], 0, ids[b], 0, 6); // same prompt for both answers of a pair
        }
        return new Batch(ids, labels);
    }

    /** Each row's summed log-probability of its labels, from full logits, in the graph. */
    private static NDArray rowLogps(CausalLM model, Batch b, NDManager m) {
        Shape shape = new Shape(b.rows(), b.length());
        NDArray logits = model.transformer().forward(Tensors.of(m, b.flatInputs(), shape), null, null, null);
        NDArray labels = Tensors.of(m, b.flatLabels(), shape).get(":, 1:");
        NDArray counted = labels.neq(CausalLmLoss.IGNORE_INDEX);
        NDArray safe = labels.mul(counted.toType(DataType.INT64, false)).expandDims(-1);
        NDArray picked = logits.get(":, :-1, :").logSoftmax(-1).gather(safe, 2).squeeze(-1);
        return picked.mul(counted.toType(DataType.FLOAT32, false)).sum(new int[] {1});
    }

    @Test
    void dpoGradientThroughBackpropEqualsAutogradOfTheLossOnFullLogits() {
        double beta = 0.5;
        try (CausalLM model = CausalLM.initialize(CONFIG, null, 7);
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(4).alpha(8).dropout(0)
                        .targetModules("all-linear").initLoraWeights(LoraInit.GAUSSIAN).build())) {
            lora.eval();
            Map<String, NDArray> trainable = lora.trainableParameters();
            trainable.values().forEach(p -> p.setRequiresGradient(true));
            Batch b = pairs(3, CONFIG.vocabSize());
            float[] ref;
            try (NDManager m = model.manager().newSubManager(); Autograd.Scope off = Autograd.paused();
                    LoraModel.DisabledAdapters base = lora.disableAdapters()) {
                ref = rowLogps(model, b, m).toFloatArray();
            }
            double expectedLoss;
            try (NDManager m = model.manager().newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logps = rowLogps(model, b, m);
                NDArray refs = Tensors.of(m, ref, new Shape(4));
                NDArray ratios = logps.sub(refs);
                NDArray z = ratios.get("0:2").sub(ratios.get("2:4")).mul(Tensors.scalar(m, (float) beta));
                // −log σ(βz) = log(1 + exp(−βz)), averaged over the pairs
                NDArray loss = z.neg().exp().add(Tensors.scalar(m, 1f)).log().mean();
                collector.backward(loss);
                expectedLoss = loss.getFloat();
            }
            Map<String, float[]> expected = BackpropTest.takeGradients(trainable);
            for (boolean checkpointing : new boolean[] {false, true}) {
                Backprop backprop = new Backprop(model.transformer(), checkpointing);
                PreferenceObjective objective = new PreferenceObjective(PreferenceLoss.dpo(PreferenceLoss.Type.SIGMOID,
                        beta));
                objective.precompute(TrainableModel.lora(lora), backprop, List.of(b));
                lora.eval();
                try (NDManager m = model.manager().newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    backprop.forwardBackward(b, m, objective.of(b, 1.0), 5);
                }
                double loss = objective.drain().get("loss");
                assertEquals(expectedLoss, loss, 1e-5, "loss, checkpointing " + checkpointing);
                BackpropTest.assertClose(expected, BackpropTest.takeGradients(trainable),
                        "DPO through Backprop, checkpointing " + checkpointing);
            }
        }
    }

    /** Short pairs on one theme: the chosen answer polite and precise, the rejected one curt. */
    private static List<Example> examples() {
        String[][] rows = {
            {"Où est ma commande ?", "Votre colis est en route, livraison prévue demain.", "Aucune idée."},
            {"Puis-je retourner un article ?", "Oui, sous 30 jours, depuis votre espace client.", "Non."},
            {"Ma facture est fausse.", "Nous la corrigeons : écrivez-nous avec le numéro.", "Tant pis."},
            {"Le produit est cassé.", "Désolés ! Nous vous envoyons un remplacement.", "Pas notre problème."},
        };
        List<Example> out = new ArrayList<>();
        for (String[] r : rows) {
            out.add(Example.of(new Preference(Conversation.of(Message.user(r[0])), r[1], r[2])));
        }
        return out;
    }

    private static Map<String, Double> train(PreferenceLoss loss, Path dir, double[] before) throws Exception {
        try (CausalLM model = CausalLM.load(TINY);
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(8).alpha(16).dropout(0)
                        .targetModules("all-linear").build())) {
            TrainingArguments args = TrainingArguments.builder().maxSteps(24).perDeviceTrainBatchSize(2)
                    .perDeviceEvalBatchSize(4).gradientAccumulationSteps(1).learningRate(1e-2).warmupSteps(0)
                    .loggingSteps(4).evalSteps(12).maxSeqLength(128).seed(3).build();
            PreferenceData data = PreferenceData.builder(model.tokenizer(), args).build();
            List<Batch> validation = data.evaluation(examples());
            try (Trainer trainer = Trainer.builder().model(TrainableModel.lora(lora)).arguments(args).preference(loss)
                    .trainData(data.training(examples())).evalData(validation).outputDir(dir).build()) {
                trainer.evaluate(validation);
                before[0] = trainer.evaluationMetrics().get("rewards/accuracies");
                before[1] = trainer.evaluationMetrics().get("rewards/margins");
                trainer.train();
                trainer.evaluate(validation);
                return trainer.evaluationMetrics();
            }
        }
    }

    @Test
    void dpoMakesTheChosenAnswersMoreLikelyAndLogsTrlsMetrics(@TempDir Path dir) throws Exception {
        double[] before = new double[2];
        Map<String, Double> after = train(PreferenceLoss.dpo(), dir, before);
        // A fresh adapter (B = 0) is the reference itself: every reward is 0, no pair is won.
        assertEquals(0, before[0], 1e-12);
        assertEquals(0, before[1], 1e-6);
        assertEquals(1.0, after.get("rewards/accuracies"), "accuracy after DPO: " + after);
        assertTrue(after.get("rewards/margins") > 0.5, "margin after DPO: " + after);
        assertTrue(after.get("loss") < Math.log(2) - 0.2, "loss below log 2: " + after);
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        JsonObject step = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        for (String key : List.of("loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies",
                "rewards/margins", "logps/chosen", "logps/rejected")) {
            assertTrue(step.has(key), key + " in " + step);
        }
        JsonObject eval = lines.stream().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(o -> o.has("eval_loss")).findFirst().orElseThrow();
        assertTrue(eval.has("eval_rewards/accuracies") && eval.has("eval_rewards/margins"), eval.toString());
        assertTrue(Files.exists(dir.resolve("adapter/adapter_model.safetensors")));
    }

    @Test
    void orpoNeedsNoReferenceAndLearnsThePreference(@TempDir Path dir) throws Exception {
        double[] before = new double[2];
        Map<String, Double> after = train(PreferenceLoss.orpo(0.1), dir, before);
        assertTrue(after.get("rewards/margins") > before[1], "margin " + before[1] + " -> " + after);
        assertEquals(1.0, after.get("rewards/accuracies"), "accuracy after ORPO: " + after);
        assertTrue(after.containsKey("nll_loss") && after.containsKey("log_odds_ratio"), after.toString());
    }

    @Test
    void badPairsAreDroppedWithTheirSource() {
        try (CausalLM model = CausalLM.load(TINY)) {
            TrainingArguments args = TrainingArguments.builder().maxSeqLength(128).build();
            PreferenceData data = PreferenceData.builder(model.tokenizer(), args).build();
            List<Example> bad = new ArrayList<>(examples());
            bad.add(Example.of(new Preference(Conversation.of(Message.user("Q ?")), "Même réponse.", "Même réponse.")));
            bad.add(Example.of(new Preference(Conversation.of(Message.user("Q ?"), Message.assistant("R.")), "A", "B")));
            PreferenceData.Pairs pairs = data.tokenize(bad);
            assertEquals(4, pairs.pairs().size());
            assertEquals(2, pairs.dropped().size(), pairs.toString());
            assertTrue(pairs.dropped().get(0).contains("identical"), pairs.toString());
            assertTrue(pairs.dropped().get(1).contains("user turn"), pairs.toString());
            // The chosen row's labels cover its answer only: the prompt is masked.
            PreferenceData.Pair p = pairs.pairs().get(0);
            assertTrue(p.chosen().labelledTokens() > 0 && p.chosen().labelledTokens() < p.chosen().length() / 2 + 20);
            assertEquals(p.chosen().labels()[0], CausalLmLoss.IGNORE_INDEX);
            assertThrows(IllegalArgumentException.class, () -> data.tokenize(List.of(Example.of(
                    Conversation.of("Q", "A")))));
        }
    }
}
