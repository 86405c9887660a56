package io.tunebook.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import java.util.Optional;

/**
 * How {@link CausalLM#load(java.nio.file.Path, LoadOptions)} loads a model: the device, the dtype
 * frozen weights are held in, and optionally a {@link ProjectionLoader} that builds projections
 * itself (quantization while reading).
 *
 * <p>{@code dtype} is transformers' {@code torch_dtype}: {@code "float32"} (the default, as
 * {@code from_pretrained} without {@code torch_dtype}), {@code "float16"}, {@code "bfloat16"}, or
 * {@code "auto"} (config.json's {@code torch_dtype}; float32 unless that says float16 or bfloat16). In 16 bits the embedding, the projections and
 * the lm_head are held in float16 and every forward computes in float32 from an upcast copy, so
 * results differ from float32 storage only by the rounding of the stored weights.
 *
 * <p>This engine cannot hold bfloat16 (DJL 0.35's PyTorch binding aborts the JVM on any bfloat16
 * array), so {@code "bfloat16"} is held as float16: every bfloat16 weight in float16's normal range
 * [2^-14, 65504] is kept exactly (float16 has more mantissa bits), smaller ones land on float16
 * subnormals (absolute error at most 2^-25), and a finite weight beyond 65504 fails the load
 * naming the tensor, with advice to load as float32. Keeping such a tensor in float32 instead was
 * rejected: trained LLM weights are far below that bound, so one that is not is more likely a
 * broken set of weights than a model to silently run in mixed storage.
 *
 * <p>Norm scales and biases stay float32 in every mode: they are tiny, transformers' RMSNorm
 * computes in float32 anyway, and PEFT's bias modes train the biases.
 */
public final class LoadOptions {
    private final Device device;
    private final String dtype;
    private final ProjectionLoader projectionLoader;

    private LoadOptions(Builder b) {
        this.device = b.device;
        this.dtype = b.dtype;
        this.projectionLoader = b.projectionLoader;
    }

    /** The engine's default device, float32 weights, no projection loader: today's {@code CausalLM.load(dir)}. */
    public static LoadOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.device = device;
        b.dtype = dtype;
        b.projectionLoader = projectionLoader;
        return b;
    }

    /** The device to load onto, if one was given; otherwise the engine's default (a GPU when there is one). */
    public Optional<Device> device() {
        return Optional.ofNullable(device);
    }

    /** The requested dtype, canonical: {@code float32}, {@code float16}, {@code bfloat16} or {@code auto}. */
    public String dtype() {
        return dtype;
    }

    public Optional<ProjectionLoader> projectionLoader() {
        return Optional.ofNullable(projectionLoader);
    }

    /**
     * The dtype frozen weights are held in for a model whose config.json says {@code torchDtype}:
     * FLOAT32 or FLOAT16 (which also holds bfloat16 weights, see the class comment). With
     * {@code auto}, a float16 or bfloat16 {@code torch_dtype} gives FLOAT16 and anything else
     * (float32, float64, none) FLOAT32, the widest dtype held.
     */
    public DataType storage(String torchDtype) {
        String resolved = dtype;
        if (dtype.equals("auto")) {
            String declared = torchDtype == null ? "" : torchDtype.trim().toLowerCase(Locale.ROOT);
            resolved = declared.equals("float16") || declared.equals("bfloat16") ? declared : "float32";
        }
        return resolved.equals("float32") ? DataType.FLOAT32 : DataType.FLOAT16;
    }

    /**
     * The canonical name of a dtype given as transformers, the command line or a YAML file spell
     * it: float32 (f32, fp32), float16 (f16, fp16, half), bfloat16 (bf16) or auto.
     *
     * @throws IllegalArgumentException naming the value and listing the accepted ones
     */
    public static String canonicalDtype(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "float32": case "f32": case "fp32":
                return "float32";
            case "float16": case "f16": case "fp16": case "half":
                return "float16";
            case "bfloat16": case "bf16":
                return "bfloat16";
            case "auto":
                return "auto";
            default:
                throw new IllegalArgumentException("dtype must be auto, float32, float16 or bfloat16, got '" + name
                        + "'");
        }
    }

    @Override
    public String toString() {
        return "LoadOptions[device=" + (device == null ? "default" : device) + ", dtype=" + dtype
                + (projectionLoader == null ? "" : ", projection loader") + "]";
    }

    public static final class Builder {
        private Device device;
        private String dtype = "float32";
        private ProjectionLoader projectionLoader;

        private Builder() {
        }

        public Builder device(Device v) {
            device = v;
            return this;
        }

        /** float32 (default), float16, bfloat16 or auto; see the class comment. */
        public Builder dtype(String v) {
            dtype = canonicalDtype(v);
            return this;
        }

        /** Builds chosen projections itself instead of loading them dense; null for none. */
        public Builder projectionLoader(ProjectionLoader v) {
            projectionLoader = v;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(this);
        }
    }
}
