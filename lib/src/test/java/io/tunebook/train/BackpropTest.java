package io.tunebook.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.LoadOptions;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.Tensors;
import io.tunebook.model.Transformer;
import io.tunebook.quant.QuantConfig;
import io.tunebook.quant.Quantizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradient checkpointing and the chunked loss change memory, not numbers: the gradients and loss
 * of every path equal those of the plain full-logits backward within 1e-5.
 */
class BackpropTest {
    private static final ModelConfig CONFIG = ModelConfig.read(Path.of("src/test/resources/fixtures/llama3/config.json"));
    private static final double TOLERANCE = 1e-5;

    /** Two rows of random ids; the first row's first 5 labels are a prompt (ignored), the second is all counted. */
    private static Batch batch(long seed) {
        return batch(seed, CONFIG.vocabSize());
    }

    private static Batch batch(long seed, int vocab) {
        Random r = new Random(seed);
        int rows = 2;
        int len = 21;
        long[][] ids = new long[rows][len];
        long[][] labels = new long[rows][len];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < len; t++) {
                ids[b][t] = 4 + r.nextInt(vocab - 4);
                labels[b][t] = b == 0 && t < 6 ? CausalLmLoss.IGNORE_INDEX : ids[b][t];
            }
        }
        return new Batch(ids, labels);
    }

    /** Packed: each row holds two sequences whose positions restart at 0. */
    private static Batch packed(long seed) {
        Batch plain = batch(seed);
        long[][] positions = new long[plain.rows()][plain.length()];
        long[][] segments = new long[plain.rows()][plain.length()];
        for (int b = 0; b < plain.rows(); b++) {
            for (int t = 0; t < plain.length(); t++) {
                segments[b][t] = t < 9 ? 0 : 1;
                positions[b][t] = t < 9 ? t : t - 9;
            }
        }
        return new Batch(plain.inputIds(), plain.labels(), positions, segments);
    }

    /** The reference: full logits, the plain summed loss, one backward. */
    private static double reference(CausalLM model, Batch b, float scale) {
        try (NDManager m = model.manager().newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            Shape shape = new Shape(b.rows(), b.length());
            NDArray ids = Tensors.of(m, b.flatInputs(), shape);
            NDArray logits = b.isPacked()
                    ? model.transformer().forwardPacked(ids, Tensors.of(m, b.flatPositions(), shape),
                            Tensors.of(m, b.flatSegments(), shape))
                    : model.transformer().forward(ids, null, null, null);
            NDArray loss = CausalLmLoss.sum(logits, Tensors.of(m, b.flatLabels(), shape)).mul(Tensors.scalar(m, scale));
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    private static double backprop(CausalLM model, Batch b, float scale, boolean checkpointing) {
        try (NDManager m = model.manager().newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            return new Backprop(model.transformer(), checkpointing).forwardBackward(b, m, scale, 99);
        }
    }

    /** Reads and zeroes the gradients of {@code params}. */
    static Map<String, float[]> takeGradients(Map<String, NDArray> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            try (NDArray g = e.getValue().getGradient()) {
                out.put(e.getKey(), g.toFloatArray());
                g.subi(g);
            }
        }
        return out;
    }

    static void assertClose(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet());
        double largest = 0;
        for (String name : expected.keySet()) {
            float[] e = expected.get(name);
            float[] a = actual.get(name);
            for (int i = 0; i < e.length; i++) {
                largest = Math.max(largest, Math.abs(e[i]));
                assertEquals(e[i], a[i], TOLERANCE, what + ": " + name + "[" + i + "]");
            }
        }
        assertTrue(largest > 1e-4, what + ": the gradients are not all ~0 (largest " + largest + ")");
    }

    private static void requireGradients(Map<String, NDArray> params) {
        params.values().forEach(p -> p.setRequiresGradient(true));
    }

    private static void compare(CausalLM model, Map<String, NDArray> trainable, Batch b) {
        requireGradients(trainable);
        float scale = 1f / CausalLmLoss.countedTokens(b.labels());
        double expectedLoss = reference(model, b, scale);
        Map<String, float[]> expected = takeGradients(trainable);
        double plainLoss = backprop(model, b, scale, false);
        Map<String, float[]> plain = takeGradients(trainable);
        double checkpointedLoss = backprop(model, b, scale, true);
        Map<String, float[]> checkpointed = takeGradients(trainable);
        assertEquals(expectedLoss, plainLoss, TOLERANCE, "chunked loss");
        assertEquals(expectedLoss, checkpointedLoss, TOLERANCE, "checkpointed loss");
        assertClose(expected, plain, "chunked loss, no checkpointing");
        assertClose(expected, checkpointed, "gradient checkpointing");
    }

    @Test
    void fullFineTuningGradientsMatchThePlainBackward() {
        // Every weight trains, the tied embedding included: its gradient comes from the head and from the input.
        try (CausalLM model = CausalLM.initialize(CONFIG, null, 3)) {
            compare(model, model.transformer().parameters(), batch(1));
            compare(model, model.transformer().parameters(), packed(2));
        }
    }

    @Test
    void loraGradientsMatchThePlainBackward() {
        try (CausalLM model = CausalLM.initialize(CONFIG, null, 4);
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(4).alpha(8).dropout(0)
                        .targetModules("all-linear").initLoraWeights(io.tunebook.lora.LoraInit.GAUSSIAN).build())) {
            lora.eval();
            compare(model, lora.trainableParameters(), batch(3));
        }
    }

    /**
     * A training layer's intermediates are closed when the layer returns (autograd keeps what the
     * backward needs): the step's manager ends with each layer's output and the batch's and the
     * head's few arrays, not the hundreds the layers leave when recorded on one manager (the LoRA step on mid-100m
     * peaked at 8.0 GB against 3.4 GB with them closed), and the gradients still equal the plain backward's (above).
     */
    @Test
    void aTrainingStepKeepsNoLayerIntermediates() {
        try (CausalLM model = CausalLM.initialize(CONFIG, null, 4);
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(4).alpha(8).dropout(0.1)
                        .targetModules("all-linear").build())) {
            requireGradients(lora.trainableParameters());
            Batch b = batch(3);
            int layers = model.config().numHiddenLayers();
            int plain;
            try (NDManager m = model.manager().newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                Transformer net = model.transformer();
                NDArray ids = Tensors.of(m, b.flatInputs(), new Shape(b.rows(), b.length()));
                Transformer.LayerContext context = net.context(ids, null, null);
                NDArray x = net.embed(ids);
                for (int i = 0; i < layers; i++) {
                    x = net.layer(i, x, context);
                }
                net.logits(net.finalNorm(x));
                plain = m.getManagedArrays().size();
            }
            for (boolean checkpointing : new boolean[] {false, true}) {
                try (NDManager m = model.manager().newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    new Backprop(model.transformer(), checkpointing).forwardBackward(b, m, 0.1f, 7);
                    int kept = m.getManagedArrays().size();
                    // Without the closing, the step's manager held every intermediate: more than the layers on one manager.
                    assertTrue(kept * 5 < plain,
                            "checkpointing " + checkpointing + ": " + kept + " arrays left on the step's manager by "
                                    + layers + " layers (recorded on one manager they leave " + plain + ")");
                }
            }
            takeGradients(lora.trainableParameters());
        }
    }

    @Test
    void qloraGradientsMatchThePlainBackward() {
        try (CausalLM model = CausalLM.initialize(CONFIG, null, 5)) {
            Quantizer.quantize(model, QuantConfig.nf4());
            try (LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(4).alpha(8).dropout(0)
                    .targetModules("all-linear").initLoraWeights(io.tunebook.lora.LoraInit.GAUSSIAN).build())) {
                lora.eval();
                compare(model, lora.trainableParameters(), batch(4));
            }
        }
    }

    /**
     * Frozen weights made for each call (upcast from 16 bits, dequantized) take the input's gradient
     * from a weight made again in the backward (FrozenMatmul), never from one autograd kept: the
     * gradients equal autograd's own, with q/k/v biases (Qwen2) and DoRA's second base call too.
     */
    @Test
    void weightsMadeAgainInTheBackwardGiveAutogradsGradients() {
        LoraConfig.Builder lora = LoraConfig.builder().r(4).alpha(8).dropout(0).targetModules("all-linear")
                .initLoraWeights(io.tunebook.lora.LoraInit.GAUSSIAN);
        Path llama3 = Path.of("src/test/resources/fixtures/llama3");
        Path qwen2 = Path.of("src/test/resources/fixtures/qwen2");
        try (CausalLM model = CausalLM.load(llama3, LoadOptions.builder().dtype("float16").build());
                LoraModel adapters = LoraModel.wrap(model, lora.build())) {
            adapters.eval();
            compare(model, adapters.trainableParameters(), batch(11));
        }
        try (CausalLM model = Quantizer.load(qwen2, QuantConfig.nf4(), LoadOptions.defaults());
                LoraModel adapters = LoraModel.wrap(model, lora.build())) {
            adapters.eval();
            compare(model, adapters.trainableParameters(), batch(12, model.config().vocabSize()));
        }
        try (CausalLM model = Quantizer.load(llama3, QuantConfig.nf4(), LoadOptions.defaults());
                LoraModel adapters = LoraModel.wrap(model, lora.useDora(true).build())) {
            adapters.eval();
            compare(model, adapters.trainableParameters(), batch(13));
        }
    }

    @Test
    void checkpointingReplaysDropout() {
        // With dropout on, the recomputed layers must draw the masks of the first pass.
        try (CausalLM model = CausalLM.initialize(CONFIG, null, 6);
                LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(4).alpha(8).dropout(0.3)
                        .targetModules("all-linear").initLoraWeights(io.tunebook.lora.LoraInit.GAUSSIAN).build())) {
            lora.train();
            Map<String, NDArray> trainable = lora.trainableParameters();
            // PEFT's initialisations start B at 0, which would hide dropout from the loss.
            trainable.forEach((name, p) -> {
                if (name.contains("lora_B")) {
                    p.addi(p.getManager().randomNormal(0, 0.5f, p.getShape(), p.getDataType()));
                }
            });
            requireGradients(trainable);
            Batch b = batch(5);
            double plainLoss = backprop(model, b, 0.1f, false);
            Map<String, float[]> plain = takeGradients(trainable);
            double checkpointedLoss = backprop(model, b, 0.1f, true);
            Map<String, float[]> checkpointed = takeGradients(trainable);
            assertEquals(plainLoss, checkpointedLoss, TOLERANCE);
            assertClose(plain, checkpointed, "dropout replayed");
            lora.eval();
            double noDropout = backprop(model, b, 0.1f, false);
            takeGradients(trainable);
            assertTrue(Math.abs(noDropout - plainLoss) > 1e-4, "dropout acted: " + noDropout + " vs " + plainLoss);
        }
    }

    @Test
    void chunksOfAFewPositionsGiveTheSameLossAndGradients() {
        try (CausalLM model = CausalLM.initialize(CONFIG, null, 7)) {
            Map<String, NDArray> params = model.transformer().parameters();
            chunkedEqualsFull(model, params, batch(6));
            // A frozen head (the tied embedding) takes the hand-written gradient, its weight read in slices.
            Map<String, NDArray> layers = new LinkedHashMap<>(params);
            layers.remove("model.embed_tokens.weight").setRequiresGradient(false);
            chunkedEqualsFull(model, layers, batch(7));
        }
    }

    private static void chunkedEqualsFull(CausalLM model, Map<String, NDArray> trainable, Batch b) {
        requireGradients(trainable);
        float scale = 1f / CausalLmLoss.countedTokens(b.labels());
        double expected = reference(model, b, scale);
        Map<String, float[]> expectedGrads = takeGradients(trainable);
        for (long perChunk : List.of(1L, 3L * CONFIG.vocabSize(), 7L * CONFIG.vocabSize(), 1L << 24)) {
            double loss;
            try (NDManager m = model.manager().newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray ids = Tensors.of(m, b.flatInputs(), new Shape(b.rows(), b.length()));
                NDArray hidden = model.transformer().hiddenStates(ids, null, null, null);
                NDArray cut = hidden.stopGradient();
                cut.setRequiresGradient(true);
                loss = CausalLmLoss.chunked(model.transformer(), cut, b.labels(), scale, true, perChunk);
                collector.backward(hidden.mul(cut.getGradient()).sum());
            }
            assertEquals(expected, loss, TOLERANCE, "chunk of " + perChunk + " logits");
            assertClose(expectedGrads, takeGradients(trainable), "chunk of " + perChunk + " logits");
        }
    }

    @Test
    void checkpointingIsOnByDefaultForQuantizedAnd16BitBases() {
        Path dir = Path.of("src/test/resources/fixtures/llama3");
        TrainingData data = TrainingData.shuffled(List.of(batch(8)), 1);
        TrainingArguments unset = TrainingArguments.builder().maxSteps(1).build();
        LoraConfig config = LoraConfig.builder().r(2).build();
        try (CausalLM dense = CausalLM.load(dir);
                CausalLM half = CausalLM.load(dir, LoadOptions.builder().dtype("float16").build());
                CausalLM nf4 = Quantizer.load(dir, QuantConfig.nf4(), LoadOptions.defaults());
                LoraModel denseLora = LoraModel.wrap(dense, config);
                LoraModel halfLora = LoraModel.wrap(half, config);
                LoraModel nf4Lora = LoraModel.wrap(nf4, config)) {
            assertEquals(false, checkpointing(denseLora, unset, data), "float32 base");
            assertEquals(true, checkpointing(halfLora, unset, data), "16-bit base");
            assertEquals(true, checkpointing(nf4Lora, unset, data), "quantized base");
            assertEquals(false, checkpointing(nf4Lora, unset.toBuilder().gradientCheckpointing(false).build(), data),
                    "an explicit setting wins");
            assertEquals(true, checkpointing(denseLora, unset.toBuilder().gradientCheckpointing(true).build(), data),
                    "an explicit setting wins");
        }
    }

    private static boolean checkpointing(LoraModel lora, TrainingArguments args, TrainingData data) {
        try (Trainer trainer = Trainer.builder().model(TrainableModel.lora(lora)).arguments(args).trainData(data)
                .build()) {
            return trainer.gradientCheckpointing();
        }
    }
}
