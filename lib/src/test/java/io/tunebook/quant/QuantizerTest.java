package io.tunebook.quant;

import static io.tunebook.quant.Closeness.logits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Linear;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import io.tunebook.model.ModelException;
import io.tunebook.model.Projection;
import io.tunebook.model.safetensors.Dtype;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped tiny-base model, quantized: what it stores, how close it stays, and that it still writes French. */
class QuantizerTest {
    static final Path TINY = Path.of("../models/tiny-base");
    static final String TEXT = "Pour installer un nouveau paquet, utilisez la commande apt avec les droits de "
            + "l'administrateur, puis redémarrez le service si nécessaire.";

    static CausalLM dense;
    static ModelMemory denseMemory;
    static CausalLM nf4;
    static ModelMemory nf4Memory;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        dense = CausalLM.load(TINY);
        denseMemory = ModelMemory.of(dense);
        nf4 = CausalLM.load(TINY);
        nf4Memory = Quantizer.quantize(nf4, QuantConfig.nf4());
    }

    @AfterAll
    static void close() {
        dense.close();
        nf4.close();
    }

    /**
     * NF4 moves each weight by about 9% of its block's spread (MSE 0.0085 on N(0,1) weights), but
     * each layer only adds an update to a residual stream whose embeddings, norms and tied lm_head
     * stay dense, so the logits move far less: measured 3.0% relative L2, KL 0.0032 nats per token,
     * 26 of 27 argmaxes kept. The bounds allow twice that. INT8 (weight MSE 0.000035) must be ten
     * times closer still, which shows the measure separates a coarse code from a fine one.
     */
    @Test
    void quantizedForwardStaysCloseToTheDenseOne() {
        long[] ids = dense.tokenizer().encode(TEXT, true);
        float[] reference = logits(dense, ids);
        int vocab = dense.config().vocabSize();
        Closeness c4 = Closeness.of(reference, logits(nf4, ids), vocab);
        assertTrue(c4.relativeError() < 0.06 && c4.kl() < 0.01 && c4.top1() >= 0.9, "NF4: " + c4);
        assertTrue(c4.relativeError() > 0.001, "NF4 changed nothing: " + c4);
        try (CausalLM int8 = CausalLM.load(TINY)) {
            Quantizer.quantize(int8, QuantConfig.builder().type(QuantType.INT8).build());
            Closeness c8 = Closeness.of(reference, logits(int8, ids), vocab);
            assertTrue(c8.relativeError() < 0.006 && c8.kl() < 1e-4 && c8.top1() == 1.0, "INT8: " + c8);
        }
    }

    @Test
    void projectionsAreQuantizedAndTheirDenseWeightsFreed() {
        ModelConfig c = nf4.config();
        long perLayer = (long) c.hiddenSize() * c.headDim() * (2L * c.numAttentionHeads() + 2L * c.numKeyValueHeads())
                + 3L * c.hiddenSize() * c.intermediateSize();
        assertEquals(7 * c.numHiddenLayers(), nf4Memory.quantizedLayers());
        assertEquals(perLayer * c.numHiddenLayers(), nf4Memory.quantizedParameters());
        assertEquals(dense.parameterCount(), nf4Memory.parameters());
        assertTrue(nf4Memory.quantizedBytesPerParameter() <= 0.52, "bytes per weight " + nf4Memory);
        // Before: every weight in float32. After: embeddings and norms in float32, the rest in NF4.
        assertEquals(dense.parameterCount() * 4, denseMemory.totalBytes());
        assertEquals(nf4Memory.denseParameters() * 4 + nf4Memory.quantizedStorageBytes(), nf4Memory.totalBytes());
        // A third of this small model is its embedding, which stays dense.
        assertTrue(nf4Memory.totalBytes() < 0.45 * denseMemory.totalBytes(), denseMemory + " -> " + nf4Memory);
        for (String name : nf4.transformer().parameters().keySet()) {
            assertFalse(name.endsWith("_proj.weight"), name + " still held densely");
        }
        List<Projection> heads = new ArrayList<>();
        nf4.transformer().replaceProjections(p -> {
            if (p.name().equals("lm_head")) {
                heads.add(p);
            } else {
                assertInstanceOf(QuantizedLinear.class, p, p.name());
            }
            return p;
        });
        assertInstanceOf(Linear.class, heads.get(0), "lm_head is skipped, as bitsandbytes does");
        assertEquals(nf4Memory, Quantizer.quantize(nf4, QuantConfig.nf4()), "quantizing again changes nothing");
    }

    @Test
    void quantizedModelStillWritesAndPrefersRealFrench() {
        String text = Generator.of(nf4).generate("Pour installer un paquet, il faut", GenerationSettings.greedy(8))
                .text();
        assertFalse(text.isBlank());
        List<String> words = new ArrayList<>(List.of(TEXT.split(" ")));
        Collections.shuffle(words, new Random(1));
        double real = meanNll(nf4, TEXT);
        double shuffled = meanNll(nf4, String.join(" ", words));
        assertTrue(real < shuffled - 1.0, "real " + real + " vs shuffled " + shuffled);
        assertTrue(Math.abs(real - meanNll(dense, TEXT)) < 0.1, "NLL moved from " + meanNll(dense, TEXT) + " to " + real);
    }

    private static double meanNll(CausalLM model, String text) {
        float[] lp = model.tokenLogProbs(model.tokenizer().encode(text, true));
        return -IntStream.range(0, lp.length).mapToDouble(i -> lp[i]).average().orElseThrow();
    }

    @Test
    void aQuantizedModelIsNotSavedAsADenseCheckpoint() {
        ModelException e = assertThrows(ModelException.class, () -> nf4.save(tmp.resolve("out"), Dtype.BF16));
        assertTrue(e.getMessage().contains("quantized"), e.getMessage());
    }

    @Test
    void adaptersMustComeAfterQuantization() {
        try (CausalLM model = CausalLM.load(Path.of("src/test/resources/fixtures/llama2"))) {
            model.transformer().replaceProjections(Wrapped::new);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Quantizer.quantize(model, QuantConfig.nf4()));
            assertTrue(e.getMessage().contains("before adding adapters"), e.getMessage());
        }
    }

    /** A stand-in adapter: delegates to the layer it wraps. */
    private record Wrapped(Projection inner) implements Projection {
        @Override
        public NDArray forward(NDArray x) {
            return inner.forward(x);
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public Projection base() {
            return inner.base();
        }

        @Override
        public long inFeatures() {
            return inner.inFeatures();
        }

        @Override
        public long outFeatures() {
            return inner.outFeatures();
        }
    }
}
