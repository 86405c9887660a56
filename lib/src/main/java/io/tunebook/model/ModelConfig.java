package io.tunebook.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * The hyperparameters of a decoder-only model, read from a Hugging Face {@code config.json}.
 *
 * @param headDim {@code head_dim} when the config gives it (Qwen3, Gemma-style), else hidden / heads
 * @param attentionBias biases on q, k and v (Qwen2 always; Llama and Mistral when {@code attention_bias})
 * @param mlpBias biases on gate, up and down (Llama's {@code mlp_bias})
 * @param slidingWindow Mistral's attention window in tokens, empty when attention is global
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean mlpBias,
        OptionalInt slidingWindow,
        OptionalInt bosTokenId,
        List<Integer> eosTokenIds,
        String torchDtype) {

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new ModelException("num_attention_heads (" + numAttentionHeads
                    + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new ModelException("head_dim must be even for rotary embeddings, got " + headDim);
        }
    }

    /** Query heads that share one key/value head (grouped-query attention). */
    public int groupSize() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Reads {@code config.json}; every error names the file and the field. */
    public static ModelConfig read(Path file) {
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new ModelException("missing " + file + ": a Hugging Face model directory needs config.json");
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new ModelException(file + ": not a valid JSON object (" + e.getMessage() + ")", e);
        }
        return fromJson(json, file.toString());
    }

    /**
     * Limits a {@code config.json} must respect before anything is built from it: far beyond any
     * published model, yet small enough that a hostile file cannot make tunebook build millions of
     * layers or divide by zero.
     */
    static final int MAX_LAYERS = 1024;
    static final int MAX_HEADS = 1024;
    static final int MAX_WIDTH = 1 << 20;
    static final int MAX_VOCAB = 1 << 24;
    static final int MAX_POSITIONS = 1 << 24;

    static ModelConfig fromJson(JsonObject json, String source) {
        Fields f = new Fields(json, source);
        Architecture architecture = f.architecture();
        int hidden = inRange(source, "hidden_size", f.requiredInt("hidden_size"), 1, MAX_WIDTH);
        int heads = inRange(source, "num_attention_heads", f.requiredInt("num_attention_heads"), 1, MAX_HEADS);
        if (hidden % heads != 0 && !json.has("head_dim")) {
            throw new ModelException(source + ": hidden_size " + hidden + " is not divisible by num_attention_heads "
                    + heads + " and no head_dim is given");
        }
        int kvHeads = inRange(source, "num_key_value_heads", f.optionalInt("num_key_value_heads").orElse(heads), 1,
                heads);
        if (heads % kvHeads != 0) {
            throw new ModelException(source + ": num_attention_heads (" + heads
                    + ") must be a multiple of num_key_value_heads (" + kvHeads + ")");
        }
        int headDim = inRange(source, "head_dim", f.optionalInt("head_dim").orElse(hidden / heads), 2, 1 << 14);
        if (headDim % 2 != 0) {
            throw new ModelException(source + ": head_dim must be even for rotary embeddings, got " + headDim);
        }
        double eps = f.number("rms_norm_eps", 1e-6);
        if (!(eps > 0 && eps < 1)) {
            throw new ModelException(source + ": rms_norm_eps must be in (0, 1), got " + eps);
        }
        double theta = f.number("rope_theta", 10000.0);
        if (!(theta > 0 && Double.isFinite(theta))) {
            throw new ModelException(source + ": rope_theta must be a positive number, got " + theta);
        }
        return new ModelConfig(
                architecture,
                inRange(source, "vocab_size", f.requiredInt("vocab_size"), 1, MAX_VOCAB),
                hidden,
                inRange(source, "intermediate_size", f.requiredInt("intermediate_size"), 1, MAX_WIDTH),
                inRange(source, "num_hidden_layers", f.requiredInt("num_hidden_layers"), 1, MAX_LAYERS),
                heads,
                kvHeads,
                headDim,
                eps,
                theta,
                f.ropeScaling(),
                inRange(source, "max_position_embeddings", f.optionalInt("max_position_embeddings").orElse(2048), 1,
                        MAX_POSITIONS),
                f.bool("tie_word_embeddings", false),
                architecture.alwaysQkvBias() || f.bool("attention_bias", false),
                f.bool("mlp_bias", false),
                architecture == Architecture.MISTRAL || architecture == Architecture.QWEN2
                        ? f.slidingWindow(architecture) : OptionalInt.empty(),
                f.optionalInt("bos_token_id"),
                f.intList("eos_token_id"),
                f.string("torch_dtype", "float32"));
    }

    private static int inRange(String source, String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ModelException(source + ": " + field + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** The {@code config.json} Hugging Face would write for this model. */
    public String toJson() {
        JsonObject o = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add(architecture.hfClass());
        o.add("architectures", arch);
        o.addProperty("model_type", architecture.modelType());
        o.addProperty("vocab_size", vocabSize);
        o.addProperty("hidden_size", hiddenSize);
        o.addProperty("intermediate_size", intermediateSize);
        o.addProperty("num_hidden_layers", numHiddenLayers);
        o.addProperty("num_attention_heads", numAttentionHeads);
        o.addProperty("num_key_value_heads", numKeyValueHeads);
        o.addProperty("head_dim", headDim);
        o.addProperty("hidden_act", "silu");
        o.addProperty("rms_norm_eps", rmsNormEps);
        o.addProperty("rope_theta", ropeTheta);
        if (!"default".equals(ropeScaling.type())) {
            JsonObject rs = new JsonObject();
            rs.addProperty("rope_type", ropeScaling.type());
            rs.addProperty("factor", ropeScaling.factor());
            if ("llama3".equals(ropeScaling.type())) {
                rs.addProperty("low_freq_factor", ropeScaling.lowFreqFactor());
                rs.addProperty("high_freq_factor", ropeScaling.highFreqFactor());
                rs.addProperty("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
            }
            o.add("rope_scaling", rs);
        }
        o.addProperty("max_position_embeddings", maxPositionEmbeddings);
        o.addProperty("tie_word_embeddings", tieWordEmbeddings);
        if (!architecture.alwaysQkvBias()) {
            o.addProperty("attention_bias", attentionBias);
        }
        if (architecture == Architecture.LLAMA) {
            o.addProperty("mlp_bias", mlpBias);
        }
        slidingWindow.ifPresent(w -> o.addProperty("sliding_window", w));
        bosTokenId.ifPresent(id -> o.addProperty("bos_token_id", id));
        JsonValues.putIds(o, "eos_token_id", eosTokenIds);
        o.addProperty("torch_dtype", torchDtype);
        o.addProperty("initializer_range", 0.02);
        o.addProperty("use_cache", true);
        return JsonValues.PRETTY.toJson(o) + "\n";
    }

    /** A copy with another storage dtype, as written to {@code torch_dtype}. */
    public ModelConfig withTorchDtype(String dtype) {
        return new ModelConfig(architecture, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, headDim, rmsNormEps, ropeTheta, ropeScaling,
                maxPositionEmbeddings, tieWordEmbeddings, attentionBias, mlpBias, slidingWindow, bosTokenId, eosTokenIds,
                dtype);
    }

    /** Typed access to config fields whose errors name the file and the field. */
    private static final class Fields {
        private final JsonObject json;
        private final String source;

        Fields(JsonObject json, String source) {
            this.json = json;
            this.source = source;
        }

        Architecture architecture() {
            JsonElement e = json.get("architectures");
            if (e == null || !e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
                throw new ModelException(source + ": field 'architectures' is missing; supported: "
                        + Architecture.supportedList());
            }
            String name = e.getAsJsonArray().get(0).getAsString();
            return Architecture.fromHfClass(name).orElseThrow(() -> new ModelException(source
                    + ": unsupported architecture '" + name + "' in field 'architectures'; supported: "
                    + Architecture.supportedList()));
        }

        int requiredInt(String name) {
            return optionalInt(name).orElseThrow(() -> new ModelException(source + ": missing field '" + name + "'"));
        }

        OptionalInt optionalInt(String name) {
            JsonElement e = json.get(name);
            if (e == null || e.isJsonNull()) {
                return OptionalInt.empty();
            }
            try {
                double v = e.getAsDouble();
                if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                return OptionalInt.of((int) v);
            } catch (RuntimeException ex) {
                throw new ModelException(source + ": field '" + name + "' must be a non-negative integer, got " + e);
            }
        }

        double number(String name, double fallback) {
            JsonElement e = json.get(name);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            try {
                return e.getAsDouble();
            } catch (RuntimeException ex) {
                throw new ModelException(source + ": field '" + name + "' must be a number, got " + e);
            }
        }

        boolean bool(String name, boolean fallback) {
            JsonElement e = json.get(name);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw new ModelException(source + ": field '" + name + "' must be true or false, got " + e);
            }
            return e.getAsBoolean();
        }

        String string(String name, String fallback) {
            JsonElement e = json.get(name);
            return e == null || e.isJsonNull() ? fallback : e.getAsString();
        }

        List<Integer> intList(String name) {
            try {
                return JsonValues.ids(json.get(name));
            } catch (RuntimeException e) {
                throw new ModelException(source + ": field '" + name + "' must be an id or a list of ids, got "
                        + json.get(name));
            }
        }

        OptionalInt slidingWindow(Architecture architecture) {
            // Qwen2 configs carry a sliding_window that only applies when use_sliding_window is true.
            if (architecture == Architecture.QWEN2 && !bool("use_sliding_window", false)) {
                return OptionalInt.empty();
            }
            return optionalInt("sliding_window");
        }

        RopeScaling ropeScaling() {
            JsonElement e = json.get("rope_scaling");
            if (e == null || e.isJsonNull()) {
                return RopeScaling.NONE;
            }
            if (!e.isJsonObject()) {
                throw new ModelException(source + ": field 'rope_scaling' must be an object, got " + e);
            }
            JsonObject rs = e.getAsJsonObject();
            JsonElement type = rs.has("rope_type") ? rs.get("rope_type") : rs.get("type");
            String t = type == null ? "default" : type.getAsString();
            Fields sub = new Fields(rs, source + " rope_scaling");
            switch (t) {
                case "default":
                    return RopeScaling.NONE;
                case "linear":
                    return new RopeScaling(t, sub.number("factor", 1.0), 0, 0, 0);
                case "llama3":
                    return new RopeScaling(t, sub.number("factor", 8.0), sub.number("low_freq_factor", 1.0),
                            sub.number("high_freq_factor", 4.0), sub.requiredInt("original_max_position_embeddings"));
                default:
                    throw new ModelException(source + ": rope_scaling type '" + t
                            + "' is not supported; supported: default, linear, llama3");
            }
        }
    }
}
