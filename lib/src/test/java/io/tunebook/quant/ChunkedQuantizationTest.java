package io.tunebook.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Quantization reads its values in passes of about a million: the result must be the one-pass
 * blockwise quantization, on a weight of 1,100 × 1,000 values (two passes, the last block partial).
 */
class ChunkedQuantizationTest {
    private static final int ROWS = 1_100;
    private static final int COLS = 1_000;

    @Test
    void passesOfWholeBlocksGiveTheOnePassCodesAndScales() throws Exception {
        float[] values = QuantizedTensorTest.gaussian(ROWS * COLS, 5);
        for (QuantType type : QuantType.values()) {
            QuantConfig config = QuantConfig.builder().type(type).doubleQuant(false).build();
            int blockSize = config.blockSize();
            // The reference: one pass of Blockwise over all values padded to whole blocks.
            Blockwise.Blocks one = Blockwise.quantize(Blockwise.padded(values, blockSize), blockSize, type.codeBook());
            float[] expected = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                expected[i] = type.codeBook().value(one.codes()[i] & 0xff) * one.absmax()[i / blockSize];
            }
            int[] reads = {0};
            try (NDManager m = NDManager.newBaseManager();
                    QuantizedTensor q = QuantizedTensor.quantize("w", new Shape(ROWS, COLS), (first, dst, count) -> {
                        reads[0]++;
                        System.arraycopy(values, (int) first, dst, 0, count);
                    }, config, m)) {
                assertEquals(2, reads[0], "two passes");
                assertArrayEquals(expected, q.dequantize(m).toFloatArray(), type.name());
                assertEquals(config.bytesPerParameter(values.length), q.bytesPerParameter(), 1e-12);
            }
        }
    }

    @Test
    void decodingInPassesOfBlocksEqualsDecodingAtOnce() {
        float[] values = QuantizedTensorTest.gaussian(ROWS * COLS, 6);
        for (QuantType type : QuantType.values()) {
            for (boolean doubleQuant : new boolean[] {false, true}) {
                QuantConfig config = QuantConfig.builder().type(type).doubleQuant(doubleQuant).build();
                try (NDManager m = NDManager.newBaseManager();
                        QuantizedTensor q = QuantizedTensor.quantize("w", values, new Shape(ROWS, COLS), config, m)) {
                    float[] once = q.dequantize(m, DataType.FLOAT32, Long.MAX_VALUE).toFloatArray();
                    // 7 blocks a pass: many passes, the last one short, none aligned to a second-level block.
                    float[] passes = q.dequantize(m, DataType.FLOAT32, 7).toFloatArray();
                    assertArrayEquals(once, passes, type + (doubleQuant ? " double quant" : ""));
                    assertEquals(ROWS * COLS, passes.length);
                }
            }
        }
    }

    @Test
    void aNonFiniteValueInALaterPassIsNamedByItsFlatIndex() {
        float[] values = new float[ROWS * COLS];
        Arrays.fill(values, 0.5f);
        values[1_050_000] = Float.NaN;
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> QuantizedTensor.quantize("model.layers.3.mlp.up_proj", values, new Shape(ROWS, COLS),
                            QuantConfig.nf4(), m));
            assertEquals("model.layers.3.mlp.up_proj: value NaN at flat index 1050000 cannot be quantized",
                    e.getMessage());
            assertTrue(m.isOpen());
        }
    }
}
