package io.tunebook.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    /** Normal, subnormal, signed-zero, extreme and non-finite float32 values, plus a NaN with a payload. */
    private static final float[] SPECIALS = {
        0f, -0f, 1f, -1f, 0.1f, -3.14159f, 65504f, 65520f, 1e-8f, 6.1e-5f, 5.96e-8f, 1e30f, -1e-40f,
        Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.NaN, Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffc01234),
    };

    @TempDir
    Path dir;

    @Test
    void f32IsBitExact() throws IOException {
        Path file = dir.resolve("f32.safetensors");
        new SafetensorsWriter().add("w", new long[] {3, 7}, SPECIALS, Dtype.F32).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertBits(SPECIALS, floats(f.readFloat32("w")));
        }
    }

    @Test
    void f16AndBf16AreRoundedToNearestEvenAndWidenedExactly() throws IOException {
        Path file = dir.resolve("half.safetensors");
        new SafetensorsWriter()
                .add("h", new long[] {SPECIALS.length}, SPECIALS, Dtype.F16)
                .add("b", new long[] {SPECIALS.length}, SPECIALS, Dtype.BF16)
                .write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            ByteBuffer rawH = f.readRaw("h");
            ByteBuffer rawB = f.readRaw("b");
            float[] h = floats(f.readFloat32("h"));
            float[] b = floats(f.readFloat32("b"));
            for (int i = 0; i < SPECIALS.length; i++) {
                float x = SPECIALS[i];
                assertEquals(Half.floatToF16(x), rawH.getShort(2 * i), "stored f16 of " + x);
                assertEquals(Half.floatToBf16(x), rawB.getShort(2 * i), "stored bf16 of " + x);
                assertEquals(Float.floatToRawIntBits(Half.f16ToFloat(Half.floatToF16(x))), Float.floatToRawIntBits(h[i]));
                assertEquals(Float.floatToRawIntBits(Half.bf16ToFloat(Half.floatToBf16(x))), Float.floatToRawIntBits(b[i]));
            }
            assertEquals(0x80000000, Float.floatToRawIntBits(h[1]), "-0 survives f16");
            assertEquals(0x80000000, Float.floatToRawIntBits(b[1]), "-0 survives bf16");
            assertEquals(Float.POSITIVE_INFINITY, h[7], "65520 overflows f16");
            assertEquals(65504f, h[6]);
            assertTrue(Float.isNaN(h[19]) && Float.isNaN(b[19]), "NaN whose payload was only in dropped bits");
            assertEquals(Float.NEGATIVE_INFINITY, b[17]);
        }
    }

    @Test
    void f64IsRoundedToFloat32AndIntegersReadRaw() throws IOException {
        Path file = dir.resolve("mixed.safetensors");
        ByteBuffer f64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-1e300).flip();
        ByteBuffer i64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MIN_VALUE).putLong(42).flip();
        new SafetensorsWriter().add("d", Dtype.F64, new long[] {2}, f64).add("ids", Dtype.I64, new long[] {2}, i64).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY}, floats(f.readFloat32("d")));
            ByteBuffer raw = f.readRaw("ids");
            assertEquals(Long.MIN_VALUE, raw.getLong(0));
            assertEquals(42, raw.getLong(8));
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.readFloat32("ids"));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'ids'"), e.getMessage());
            assertTrue(e.getMessage().contains("I64"), e.getMessage());
        }
    }

    @Test
    void buffersAreDirectInTheDocumentedOrderAndRawOnesReadOnly() throws IOException {
        Path file = dir.resolve("b.safetensors");
        new SafetensorsWriter().add("w", new long[] {2}, new float[] {1, 2}, Dtype.BF16).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            ByteBuffer floats = f.readFloat32("w");
            assertTrue(floats.isDirect());
            assertEquals(ByteOrder.nativeOrder(), floats.order());
            assertEquals(0, floats.position());
            assertEquals(8, floats.remaining());
            ByteBuffer raw = f.readRaw("w");
            assertTrue(raw.isDirect());
            assertTrue(raw.isReadOnly());
            assertEquals(ByteOrder.LITTLE_ENDIAN, raw.order());
            assertEquals(4, raw.remaining());
        }
    }

    @Test
    void metadataScalarsEmptyTensorsAndHeaderOrderSurvive() throws IOException {
        Path file = dir.resolve("m.safetensors");
        new SafetensorsWriter()
                .metadata("format", "pt")
                .metadata("note", "é \"quoted\" \n")
                .add("flag", Dtype.BOOL, new long[] {3}, ByteBuffer.wrap(new byte[] {1, 0, 1}))
                .add("scalar", new long[] {}, new float[] {7f}, Dtype.F32)
                .add("empty", new long[] {0, 4}, new float[0], Dtype.F16)
                .add("bias", new long[] {2}, new float[] {1, 2}, Dtype.BF16)
                .add("big", Dtype.F64, new long[] {1}, ByteBuffer.allocate(8))
                .write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(Map.of("format", "pt", "note", "é \"quoted\" \n"), f.metadata());
            List<String> names = f.entries().stream().map(TensorEntry::name).toList();
            assertEquals(List.of("big", "scalar", "empty", "bias", "flag"), names, "widest first, then as added");
            assertEquals(0, f.dataStart() % 8, "header padded to 8 bytes");
            for (TensorEntry e : f.entries()) {
                assertEquals(0, e.begin() % e.dtype().byteSize(), e + " is aligned");
            }
            assertEquals(7f, f.readFloat32("scalar").getFloat(0));
            assertEquals(1, f.entry("scalar").numel());
            assertEquals(0, f.entry("scalar").rank());
            assertEquals(0, f.readFloat32("empty").remaining());
            assertArrayEquals(new long[] {0, 4}, f.entry("empty").shape());
            assertEquals(1, f.readRaw("flag").get(2));
        }
    }

    @Test
    void missingTensorNamesFileAndTensor() throws IOException {
        Path file = dir.resolve("one.safetensors");
        new SafetensorsWriter().add("a", new long[] {1}, new float[] {1}, Dtype.F32).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> f.entry("lm_head.weight"));
            assertEquals(file.toString() + ": tensor 'lm_head.weight': no such tensor in this file (it has 1)", e.getMessage());
            assertEquals(file, e.file());
            assertEquals("lm_head.weight", e.tensor().orElseThrow());
            assertThrows(SafetensorsException.class, () -> f.readFloat32("nope"));
            assertTrue(f.contains("a"));
        }
    }

    @Test
    void tensorsLargerThanOneConversionChunkAreConvertedWhole() throws IOException {
        float[] values = new float[1_500_003]; // about 3 MB of bf16: several chunks and a ragged last one
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        Path file = dir.resolve("large.safetensors");
        new SafetensorsWriter().add("w", new long[] {values.length}, values, Dtype.BF16)
                .add("f", new long[] {values.length}, values, Dtype.F32).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            float[] bf = floats(f.readFloat32("w"));
            for (int i = 0; i < values.length; i++) {
                assertEquals(Half.bf16ToFloat(Half.floatToBf16(values[i])), bf[i]);
            }
            assertBits(values, floats(f.readFloat32("f")));
        }
    }

    @Test
    void oneOpenFileServesManyThreads() throws Exception {
        float[] values = new float[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        Path file = dir.resolve("shared.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        for (int t = 0; t < 8; t++) {
            w.add("t" + t, new long[] {values.length}, values, Dtype.F16);
        }
        w.write(file);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            List<Future<float[]>> reads = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (int t = 0; t < 8; t++) {
                    String name = "t" + t;
                    reads.add(pool.submit(() -> floats(f.readFloat32(name))));
                }
            }
            float[] expected = floats(f.readFloat32("t0"));
            for (Future<float[]> r : reads) {
                assertArrayEquals(expected, r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Byte layouts produced by Hugging Face's reference writer, spelled out from its format. */
    @Test
    void writesTheSameBytesAsHuggingFacesWriter() throws IOException {
        Path file = dir.resolve("hf.safetensors");
        new SafetensorsWriter().add("attn0", new long[] {1, 1, 2, 3}, new float[] {0, 1, 2, 3, 4, 5}, Dtype.F32).write(file);
        String json = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}" + " ".repeat(7);
        ByteBuffer expected = ByteBuffer.allocate(8 + 72 + 24).order(ByteOrder.LITTLE_ENDIAN).putLong(72)
                .put(json.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 6; i++) {
            expected.putFloat(i);
        }
        assertArrayEquals(expected.array(), Files.readAllBytes(file));

        new SafetensorsWriter().metadata("framework", "pt").write(file);
        String metaOnly = "{\"__metadata__\":{\"framework\":\"pt\"}}" + " ".repeat(5);
        ByteBuffer metaExpected = ByteBuffer.allocate(8 + 40).order(ByteOrder.LITTLE_ENDIAN).putLong(40)
                .put(metaOnly.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(metaExpected.array(), Files.readAllBytes(file));
    }

    /** The example file of Hugging Face's reader documentation: unpadded header, I32 data. */
    @Test
    void readsHuggingFacesDocumentationExample() throws IOException {
        Path file = RawFiles.write(dir.resolve("doc.safetensors"),
                "{\"test\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            TensorEntry e = f.entry("test");
            assertEquals(new TensorEntry("test", Dtype.I32, new long[] {2, 2}, 0, 16), e);
            assertEquals(4, e.numel());
            assertEquals(0x03020100, f.readRaw("test").getInt(0));
            assertEquals(Map.of(), f.metadata());
        }
    }

    static float[] floats(ByteBuffer b) {
        FloatBuffer fb = b.duplicate().order(b.order()).asFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
    }

    private static void assertBits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "element " + i);
        }
    }
}
