package io.tunebook.model.safetensors;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Element types of safetensors tensors, named as in the file header ({@code "F32"}, {@code "BF16"},
 * ...). All multi-byte types are stored little-endian.
 */
public enum Dtype {
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    F64(8, true),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U8(1, false),
    BOOL(1, false),
    U64(8, false),
    U32(4, false),
    U16(2, false),
    /** 8-bit float, 4 exponent and 3 mantissa bits; readable raw only. */
    F8_E4M3(1, false),
    /** 8-bit float, 5 exponent and 2 mantissa bits; readable raw only. */
    F8_E5M2(1, false);

    private final int byteSize;
    private final boolean float32Convertible;

    Dtype(int byteSize, boolean float32Convertible) {
        this.byteSize = byteSize;
        this.float32Convertible = float32Convertible;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The name used in the safetensors header, e.g. {@code "BF16"}. */
    public String safetensorsName() {
        return name();
    }

    /** Whether {@code readFloat32} can convert this type: F32, F16, BF16 and F64. */
    public boolean isFloat32Convertible() {
        return float32Convertible;
    }

    /**
     * The dtype a safetensors header calls {@code name}.
     *
     * @throws IllegalArgumentException naming the unknown type and listing the known ones
     */
    public static Dtype fromSafetensorsName(String name) {
        for (Dtype d : values()) {
            if (d.safetensorsName().equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dtype " + Quote.of(name) + " (known: " + knownNames() + ")");
    }

    private static String knownNames() {
        return Arrays.stream(values()).map(Dtype::safetensorsName).collect(Collectors.joining(", "));
    }
}
