package io.tunebook.export;

import io.tunebook.model.safetensors.Half;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF reader for tests, written from the GGUF specification and ggml's {@code dequantize_row_*}
 * definitions, independently of {@link GgufWriter} and {@link Quants}: header, typed key-values,
 * tensor infos, and each tensor's values decoded back to floats.
 */
final class GgufFile {
    record TensorInfo(String name, long[] dims, int type, long offset) {}

    final int version;
    final Map<String, Object> metadata = new LinkedHashMap<>();
    final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    final long dataStart;
    private final ByteBuffer buf;

    GgufFile(Path file) throws IOException {
        buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        buf.get(magic);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("GGUF")) {
            throw new IllegalStateException("not GGUF");
        }
        version = buf.getInt();
        long tensorCount = buf.getLong();
        long kvCount = buf.getLong();
        for (long i = 0; i < kvCount; i++) {
            String key = string();
            metadata.put(key, value(buf.getInt()));
        }
        for (long i = 0; i < tensorCount; i++) {
            String name = string();
            int n = buf.getInt();
            long[] dims = new long[n];
            for (int d = 0; d < n; d++) {
                dims[d] = buf.getLong();
            }
            tensors.put(name, new TensorInfo(name, dims, buf.getInt(), buf.getLong()));
        }
        long alignment = metadata.containsKey("general.alignment") ? ((Number) metadata.get("general.alignment")).longValue() : 32;
        dataStart = (buf.position() + alignment - 1) / alignment * alignment;
    }

    private String string() {
        byte[] b = new byte[Math.toIntExact(buf.getLong())];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private Object value(int type) {
        return switch (type) {
            case 0 -> buf.get() & 0xff;
            case 1 -> (int) buf.get();
            case 2 -> buf.getShort() & 0xffff;
            case 3 -> (int) buf.getShort();
            case 4 -> buf.getInt() & 0xffffffffL;
            case 5 -> buf.getInt();
            case 6 -> buf.getFloat();
            case 7 -> buf.get() != 0;
            case 8 -> string();
            case 9 -> {
                int elementType = buf.getInt();
                long n = buf.getLong();
                List<Object> list = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    list.add(value(elementType));
                }
                yield list;
            }
            case 10 -> buf.getLong();
            case 11 -> buf.getLong();
            case 12 -> buf.getDouble();
            default -> throw new IllegalStateException("unknown GGUF value type " + type);
        };
    }

    /** The tensor's values, decoded. */
    float[] values(String name) {
        TensorInfo t = tensors.get(name);
        long count = 1;
        for (long d : t.dims()) {
            count *= d;
        }
        float[] out = new float[Math.toIntExact(count)];
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(Math.toIntExact(dataStart + t.offset()));
        int i = 0;
        while (i < out.length) {
            switch (t.type()) {
                case 0 -> out[i++] = b.getFloat();
                case 1 -> out[i++] = Half.f16ToFloat(b.getShort());
                case 30 -> out[i++] = Half.bf16ToFloat(b.getShort());
                case 8 -> {
                    float d = Half.f16ToFloat(b.getShort());
                    for (int j = 0; j < 32; j++) {
                        out[i++] = d * b.get();
                    }
                }
                case 2 -> {
                    float d = Half.f16ToFloat(b.getShort());
                    byte[] qs = new byte[16];
                    b.get(qs);
                    for (int j = 0; j < 16; j++) {
                        out[i + j] = d * ((qs[j] & 0xf) - 8);
                        out[i + j + 16] = d * (((qs[j] & 0xff) >> 4) - 8);
                    }
                    i += 32;
                }
                case 6 -> {
                    float d = Half.f16ToFloat(b.getShort());
                    int qh = b.getInt();
                    byte[] qs = new byte[16];
                    b.get(qs);
                    for (int j = 0; j < 16; j++) {
                        int h0 = ((qh >>> j) << 4) & 0x10;
                        int h1 = (qh >>> (j + 12)) & 0x10;
                        out[i + j] = d * (((qs[j] & 0xf) | h0) - 16);
                        out[i + j + 16] = d * ((((qs[j] & 0xff) >> 4) | h1) - 16);
                    }
                    i += 32;
                }
                case 12 -> {
                    float d = Half.f16ToFloat(b.getShort());
                    float min = Half.f16ToFloat(b.getShort());
                    byte[] scales = new byte[12];
                    byte[] qs = new byte[128];
                    b.get(scales);
                    b.get(qs);
                    for (int j = 0, is = 0, q = 0; j < 256; j += 64, is += 2, q += 32) {
                        int[] sm1 = scaleMin(is, scales);
                        int[] sm2 = scaleMin(is + 1, scales);
                        for (int l = 0; l < 32; l++) {
                            out[i + j + l] = d * sm1[0] * (qs[q + l] & 0xf) - min * sm1[1];
                            out[i + j + 32 + l] = d * sm2[0] * ((qs[q + l] & 0xff) >> 4) - min * sm2[1];
                        }
                    }
                    i += 256;
                }
                case 14 -> {
                    byte[] ql = new byte[128];
                    byte[] qh = new byte[64];
                    byte[] sc = new byte[16];
                    b.get(ql);
                    b.get(qh);
                    b.get(sc);
                    float d = Half.f16ToFloat(b.getShort());
                    for (int n = 0; n < 256; n += 128) {
                        int l0 = n / 2;
                        int h0 = n / 4;
                        int s0 = n / 16;
                        for (int l = 0; l < 32; l++) {
                            int is = l / 16;
                            int q1 = ((ql[l0 + l] & 0xf) | (((qh[h0 + l] >> 0) & 3) << 4)) - 32;
                            int q2 = ((ql[l0 + l + 32] & 0xf) | (((qh[h0 + l] >> 2) & 3) << 4)) - 32;
                            int q3 = (((ql[l0 + l] & 0xff) >> 4) | (((qh[h0 + l] >> 4) & 3) << 4)) - 32;
                            int q4 = (((ql[l0 + l + 32] & 0xff) >> 4) | (((qh[h0 + l] >> 6) & 3) << 4)) - 32;
                            out[i + n + l] = d * sc[s0 + is] * q1;
                            out[i + n + l + 32] = d * sc[s0 + is + 2] * q2;
                            out[i + n + l + 64] = d * sc[s0 + is + 4] * q3;
                            out[i + n + l + 96] = d * sc[s0 + is + 6] * q4;
                        }
                    }
                    i += 256;
                }
                default -> throw new IllegalStateException("type " + t.type());
            }
        }
        return out;
    }

    /** ggml's {@code get_scale_min_k4}. */
    private static int[] scaleMin(int j, byte[] q) {
        if (j < 4) {
            return new int[] {q[j] & 63, q[j + 4] & 63};
        }
        return new int[] {(q[j + 4] & 0xf) | (((q[j - 4] & 0xff) >> 6) << 4),
            ((q[j + 4] & 0xff) >> 4) | (((q[j] & 0xff) >> 6) << 4)};
    }
}
