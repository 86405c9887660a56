package io.tunebook.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Linear;
import io.tunebook.model.LoadOptions;
import io.tunebook.model.Projection;
import io.tunebook.model.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Quantizing while reading gives exactly what quantizing the loaded float32 model gives. */
class QuantizeAsReadTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final long[][] IDS = {{5, 17, 33, 2, 90, 121, 7, 64}, {3, 3, 15, 42, 11, 9, 77, 100}};

    static Stream<Arguments> cases() {
        List<QuantConfig> configs = List.of(QuantConfig.nf4(),
                QuantConfig.builder().type(QuantType.FP4).doubleQuant(false).blockSize(32).build(),
                QuantConfig.builder().type(QuantType.INT8).skipModules(List.of()).build());
        List<Arguments> out = new ArrayList<>();
        // llama2 untied, qwen2 qkv bias and tied, llama3 bfloat16 and tied, llama-sharded two shards.
        for (String fixture : List.of("llama2", "qwen2", "llama3", "llama-sharded")) {
            for (QuantConfig c : configs) {
                out.add(Arguments.of(fixture, c));
            }
        }
        return out.stream();
    }

    /**
     * Layer by layer the same kind of projection, bit-identical dequantized weights (so the same
     * codes and scales), the same biases, the same memory, and bit-identical logits.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void sameCodesScalesAndLogitsAsQuantizingTheLoadedModel(String fixture, QuantConfig config) {
        Path dir = FIXTURES.resolve(fixture);
        try (CausalLM before = CausalLM.load(dir); CausalLM read = Quantizer.load(dir, config, LoadOptions.defaults())) {
            ModelMemory expected = Quantizer.quantize(before, config);
            assertEquals(expected, ModelMemory.of(read));
            assertTrue(expected.quantizedLayers() > 0);
            List<Projection> a = projections(before);
            List<Projection> b = projections(read);
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertSameLayer(a.get(i), b.get(i));
            }
            assertArrayEquals(logits(before), logits(read));
            read.transformer().parameters().keySet().forEach(name -> assertTrue(
                    !name.endsWith("_proj.weight"), name + ": a quantized layer's dense weight was never kept"));
        }
    }

    /**
     * With 16-bit dense parts ("auto" on a bfloat16 checkpoint) the projections are still quantized
     * from the file's values, so the codes are those of the float32 path; the embedding and the
     * skipped modules are float16, and the logits differ from the float32 path only by the
     * embedding's subnormal rounding (under 1e-5, as in the model's 16-bit tests).
     */
    @Test
    void sixteenBitDensePartsKeepTheSameCodes() {
        Path dir = FIXTURES.resolve("llama3");
        QuantConfig config = QuantConfig.builder().skipModules(List.of("lm_head", "v_proj")).build();
        try (CausalLM before = CausalLM.load(dir);
                CausalLM read = Quantizer.load(dir, config, LoadOptions.builder().dtype("auto").build())) {
            Quantizer.quantize(before, config);
            assertEquals(DataType.FLOAT16, read.dtype());
            assertEquals(DataType.FLOAT16, read.transformer().parameters().get("model.embed_tokens.weight").getDataType());
            List<Projection> a = projections(before);
            List<Projection> b = projections(read);
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) instanceof QuantizedLinear) {
                    assertSameLayer(a.get(i), b.get(i));
                } else {
                    Linear dense = assertInstanceOf(Linear.class, b.get(i), b.get(i).name());
                    assertEquals(DataType.FLOAT16, dense.weight().getDataType(), dense.name());
                }
            }
            double diff = 0;
            float[] x = logits(before);
            float[] y = logits(read);
            for (int i = 0; i < x.length; i++) {
                diff = Math.max(diff, Math.abs(x[i] - y[i]));
            }
            assertTrue(diff <= 1e-5, "max abs diff " + diff);
        }
    }

    /** The old path still works on a model held in 16 bits: its weights are widened to quantize. */
    @Test
    void quantizingA16BitModelMatchesQuantizingItsFloat32Twin() {
        Path dir = FIXTURES.resolve("mistral"); // float16 checkpoint: both loads hold the same values
        try (CausalLM wide = CausalLM.load(dir); CausalLM half = CausalLM.load(dir, LoadOptions.builder().dtype("float16").build())) {
            Quantizer.quantize(wide, QuantConfig.nf4());
            Quantizer.quantize(half, QuantConfig.nf4());
            List<Projection> a = projections(wide);
            List<Projection> b = projections(half);
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) instanceof QuantizedLinear) {
                    assertSameLayer(a.get(i), b.get(i));
                }
            }
        }
    }

    @Test
    void optionsWithTheirOwnProjectionLoaderAreRefused() {
        LoadOptions options = LoadOptions.builder().projectionLoader(source -> null).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.load(FIXTURES.resolve("llama2"), QuantConfig.nf4(), options));
        assertTrue(e.getMessage().contains("already carry one"), e.getMessage());
    }

    private static void assertSameLayer(Projection expected, Projection actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.getClass(), actual.getClass(), expected.name());
        if (expected instanceof QuantizedLinear q) {
            QuantizedLinear r = (QuantizedLinear) actual;
            assertEquals(q.weight().storageBytes(), r.weight().storageBytes());
            try (NDManager m = NDManager.newBaseManager()) {
                assertArrayEquals(q.weight().dequantize(m).toFloatArray(), r.weight().dequantize(m).toFloatArray(),
                        expected.name());
            }
        } else {
            Linear l = (Linear) expected;
            Linear r = (Linear) actual;
            assertArrayEquals(Tensors.toFloatArray(l.weight()), Tensors.toFloatArray(r.weight()), expected.name());
        }
    }

    private static List<Projection> projections(CausalLM model) {
        List<Projection> out = new ArrayList<>();
        model.transformer().replaceProjections(p -> {
            out.add(p);
            return p;
        });
        return out;
    }

    private static float[] logits(CausalLM model) {
        try (NDManager m = model.manager().newSubManager()) {
            long[] flat = new long[16];
            for (int i = 0; i < 16; i++) {
                flat[i] = IDS[i / 8][i % 8];
            }
            return model.transformer().forward(Tensors.of(m, flat, new Shape(2, 8)), null, null, null).toFloatArray();
        }
    }
}
