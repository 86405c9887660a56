package io.tunebook.export;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a GGUF export stores its weights as: llama.cpp's {@code general.file_type} and the ggml
 * type of each tensor, chosen as llama.cpp chooses them. Vectors (norms, biases, rope factors)
 * always stay F32. {@code f32}, {@code f16}, {@code bf16} and {@code q8_0} store every matrix in
 * that type, as {@code convert_hf_to_gguf.py --outtype} does (Q8_0 rows that are not a multiple of
 * 32 fall back to F16, as there). {@code q4_0} and {@code q4_k_m} follow llama-quantize's
 * {@code llama_tensor_get_type}: the output matrix (the embedding when tied) in Q6_K; for Q4_K_M
 * also {@code attn_v} and {@code ffn_down} in Q6_K in the first and last eighth of the layers and
 * every third layer between ({@code use_more_bits}), the rest Q4_K; a K-quant whose rows are not a
 * multiple of 256 falls back to Q5_0 (Q4_K) or Q8_0 (Q6_K), and Q6_K for the output to Q8_0.
 * Not reproduced: llama-quantize's Q5_K for {@code attn_v} of 70B Llamas (tunebook writes no Q5_K), and
 * its mixtures for mixture-of-experts models, which tunebook does not load. K-quants are computed from
 * the float32 weights, where llama-quantize reads the f16/bf16 file the converter wrote.
 */
public enum GgufFileType {
    F32(0, GgmlType.F32),
    F16(1, GgmlType.F16),
    BF16(32, GgmlType.BF16),
    Q8_0(7, GgmlType.Q8_0),
    Q4_0(2, GgmlType.Q4_0),
    Q4_K_M(15, GgmlType.Q4_K);

    private final int id;
    private final GgmlType base;

    GgufFileType(int id, GgmlType base) {
        this.id = id;
        this.base = base;
    }

    /** llama.cpp's {@code llama_ftype} value, stored as {@code general.file_type}. */
    public int id() {
        return id;
    }

    /** The name the command line takes: {@code f16}, {@code q4_k_m}, ... */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean quantized() {
        return this == Q8_0 || this == Q4_0 || this == Q4_K_M;
    }

    /** The type named {@code name} ({@code q4_k_m}, {@code Q4_K_M}, ...). */
    public static GgufFileType parse(String name) {
        for (GgufFileType t : values()) {
            if (t.cliName().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown GGUF type '" + name + "'; choose one of "
                + Arrays.stream(values()).map(GgufFileType::cliName).collect(Collectors.joining(", ")));
    }

    /** A matrix's place in the model, which is what llama-quantize's choice depends on. */
    public enum Role { OUTPUT, ATTN_V, FFN_DOWN, OTHER }

    /**
     * The ggml type of a matrix with rows of {@code rowLength} weights.
     *
     * @param layer the matrix's layer, for {@code attn_v} and {@code ffn_down}
     * @param layers the model's layer count
     * @throws IllegalArgumentException when no type llama.cpp would pick can hold such rows
     */
    public GgmlType typeOf(Role role, int layer, int layers, long rowLength) {
        GgmlType chosen = base;
        switch (this) {
            case F32, F16, BF16 -> {
                return base;
            }
            case Q8_0 -> {
                return GgmlType.Q8_0.fits(rowLength) ? GgmlType.Q8_0 : GgmlType.F16;
            }
            case Q4_0, Q4_K_M -> {
                if (role == Role.OUTPUT) {
                    chosen = GgmlType.Q4_K.fits(rowLength) ? GgmlType.Q6_K : GgmlType.Q8_0;
                } else if (this == Q4_K_M && (role == Role.ATTN_V || role == Role.FFN_DOWN)
                        && useMoreBits(layer, layers)) {
                    chosen = GgmlType.Q6_K;
                }
            }
            default -> throw new IllegalStateException(name());
        }
        if ((chosen == GgmlType.Q4_K || chosen == GgmlType.Q6_K) && !chosen.fits(rowLength)) {
            chosen = chosen == GgmlType.Q4_K ? GgmlType.Q5_0 : GgmlType.Q8_0;
            if (!chosen.fits(rowLength)) {
                chosen = GgmlType.F16;
            }
        }
        if (!chosen.fits(rowLength)) {
            throw new IllegalArgumentException("rows of " + rowLength + " weights cannot be stored as " + chosen
                    + " (blocks of " + chosen.blockSize() + "), which " + cliName() + " requires");
        }
        return chosen;
    }

    /** llama.cpp's {@code use_more_bits}: the first and last eighth of the layers, and every third one between. */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }
}
