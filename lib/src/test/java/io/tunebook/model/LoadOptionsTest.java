package io.tunebook.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {
    @Test
    void dtypesResolveToTheStorageThisEngineCanHold() {
        assertEquals("float32", LoadOptions.defaults().dtype());
        assertEquals(DataType.FLOAT32, LoadOptions.defaults().storage("bfloat16"), "float32 unless asked");
        LoadOptions auto = LoadOptions.builder().dtype("auto").build();
        assertEquals(DataType.FLOAT16, auto.storage("bfloat16"), "bfloat16 is held as float16");
        assertEquals(DataType.FLOAT16, auto.storage("float16"));
        assertEquals(DataType.FLOAT32, auto.storage("float32"));
        assertEquals(DataType.FLOAT32, auto.storage("float64"), "wider than 16 bits: the widest held");
        assertEquals(DataType.FLOAT32, auto.storage(null));
        assertEquals("bfloat16", LoadOptions.builder().dtype("BF16").build().dtype());
        assertEquals("float16", LoadOptions.builder().dtype("fp16").build().dtype());
        assertEquals(DataType.FLOAT16, LoadOptions.builder().dtype("bf16").build().storage("float32"));
    }

    @Test
    void unknownDtypeIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.builder().dtype("int4"));
        assertEquals("dtype must be auto, float32, float16 or bfloat16, got 'int4'", e.getMessage());
    }
}
