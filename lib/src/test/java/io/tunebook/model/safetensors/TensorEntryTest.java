package io.tunebook.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorEntryTest {

    @Test
    void shapeIsCopiedInAndOutAndComparedByValue() {
        long[] shape = {2, 3};
        TensorEntry e = new TensorEntry("w", Dtype.BF16, shape, 8, 20);
        shape[0] = 99;
        e.shape()[1] = 99;
        assertEquals(new TensorEntry("w", Dtype.BF16, new long[] {2, 3}, 8, 20), e);
        assertEquals(new TensorEntry("w", Dtype.BF16, new long[] {2, 3}, 8, 20).hashCode(), e.hashCode());
        assertNotEquals(new TensorEntry("w", Dtype.F16, new long[] {2, 3}, 8, 20), e);
        assertEquals(6, e.numel());
        assertEquals(12, e.byteSize());
        assertEquals("w BF16[2, 3] @[8, 20)", e.toString());
    }

    @Test
    void inconsistentEntriesCannotBeBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new TensorEntry("w", Dtype.F32, new long[] {2}, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new TensorEntry("w", Dtype.F32, new long[] {-1}, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TensorEntry("w", Dtype.U8, new long[] {0}, 4, 0));
        assertThrows(ArithmeticException.class,
                () -> new TensorEntry("w", Dtype.F32, new long[] {1L << 62, 1L << 62}, 0, 0));
    }

    @Test
    void dtypesParseTheirHeaderNames() {
        for (Dtype d : Dtype.values()) {
            assertEquals(d, Dtype.fromSafetensorsName(d.safetensorsName()));
        }
        assertEquals(2, Dtype.BF16.byteSize());
        assertEquals(8, Dtype.I64.byteSize());
        assertTrue(Dtype.F64.isFloat32Convertible());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dtype.fromSafetensorsName("bf16"));
        assertTrue(e.getMessage().startsWith("unknown dtype 'bf16' (known: F32, F16, BF16, F64, I64"), e.getMessage());
    }
}
