package io.tunebook.lora;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * PEFT's {@code adapter_config.json} for LoRA, field for field. Reading refuses options that would
 * change the adapter's meaning and that tunebook does not implement (per-module ranks, transposed
 * weights, LoRA biases, ...), naming the file and the key; fields that do not change the forward
 * pass (training-time options of newer PEFT versions) are ignored.
 */
final class AdapterConfigJson {
    static final String FILE = "adapter_config.json";

    /** Options whose non-default values change what the adapter computes. */
    private static final Set<String> MUST_BE_EMPTY = Set.of("rank_pattern", "alpha_pattern", "layer_replication",
            "exclude_modules", "target_parameters", "trainable_token_indices", "alora_invocation_tokens");

    private AdapterConfigJson() {
    }

    /** The JSON PEFT writes for {@code config}, with {@code target_modules} already resolved to names or a regex. */
    static String toJson(LoraConfig config) {
        JsonObject o = new JsonObject();
        o.addProperty("peft_type", "LORA");
        o.addProperty("task_type", "CAUSAL_LM");
        o.add("base_model_name_or_path", config.baseModel().<JsonElement>map(JsonPrimitive::new).orElse(JsonNull.INSTANCE));
        o.add("revision", JsonNull.INSTANCE);
        o.addProperty("inference_mode", true);
        o.addProperty("r", config.r());
        o.add("lora_alpha", number(config.alpha()));
        o.add("lora_dropout", number(config.dropout()));
        o.add("target_modules", targets(config.targetModules()));
        o.addProperty("bias", config.bias().peftName());
        o.addProperty("fan_in_fan_out", false);
        o.addProperty("use_rslora", config.useRslora());
        o.addProperty("use_dora", config.useDora());
        o.add("init_lora_weights", init(config.initLoraWeights()));
        o.add("modules_to_save", config.modulesToSave().isEmpty() ? JsonNull.INSTANCE : strings(config.modulesToSave()));
        JsonArray layers = new JsonArray();
        config.layersToTransform().forEach(layers::add);
        o.add("layers_to_transform", config.layersToTransform().isEmpty() ? JsonNull.INSTANCE : layers);
        o.add("layers_pattern", JsonNull.INSTANCE);
        o.add("rank_pattern", new JsonObject());
        o.add("alpha_pattern", new JsonObject());
        o.add("megatron_config", JsonNull.INSTANCE);
        o.addProperty("megatron_core", "megatron.core");
        o.add("loftq_config", new JsonObject());
        o.add("layer_replication", JsonNull.INSTANCE);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(o) + "\n";
    }

    /** Integral values as integers ({@code lora_alpha: 32}), as Python writes an int. */
    private static JsonPrimitive number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? new JsonPrimitive((long) v) : new JsonPrimitive(v);
    }

    private static JsonElement targets(TargetModules t) {
        if (t instanceof TargetModules.Regex regex) {
            return new JsonPrimitive(regex.pattern());
        }
        if (t instanceof TargetModules.Names names) {
            return strings(names.names());
        }
        return new JsonPrimitive(TargetModules.ALL_LINEAR);
    }

    private static JsonArray strings(List<String> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    private static JsonElement init(LoraInit init) {
        switch (init) {
            case KAIMING_UNIFORM:
                return new JsonPrimitive(true);
            case GAUSSIAN:
                return new JsonPrimitive("gaussian");
            default:
                return new JsonPrimitive(false);
        }
    }

    static LoraConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new LoraException("missing " + file + ": a PEFT adapter directory needs " + FILE);
        } catch (IOException e) {
            throw new LoraException("cannot read " + file + ": " + e.getMessage(), e);
        }
        JsonObject o;
        try {
            o = JsonParser.parseString(text).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new LoraException(file + ": not a valid JSON object (" + e.getMessage() + ")", e);
        }
        return new Reader(file, o).config();
    }

    /** Reads one parsed file; every error names the file and the key. */
    private static final class Reader {
        private final Path file;
        private final JsonObject o;

        Reader(Path file, JsonObject o) {
            this.file = file;
            this.o = o;
        }

        LoraConfig config() {
            String type = string("peft_type", null);
            if (!"LORA".equals(type)) {
                throw error("peft_type", "is " + (type == null ? "missing" : "'" + type + "'")
                        + "; only LORA adapters load here");
            }
            String task = string("task_type", "CAUSAL_LM");
            if (!"CAUSAL_LM".equals(task)) {
                throw error("task_type", "is '" + task + "'; only CAUSAL_LM adapters fit a causal language model");
            }
            requireAbsentOrFalse("fan_in_fan_out");
            requireAbsentOrFalse("lora_bias");
            requireAbsentOrFalse("use_qalora");
            for (String key : MUST_BE_EMPTY) {
                JsonElement e = o.get(key);
                boolean empty = e == null || e.isJsonNull() || (e.isJsonObject() && e.getAsJsonObject().size() == 0)
                        || (e.isJsonArray() && e.getAsJsonArray().size() == 0);
                if (!empty) {
                    throw error(key, "is " + e + "; tunebook does not support this option");
                }
            }
            String pattern = layersPattern();
            if (pattern != null && !pattern.equals("layers")) {
                throw error("layers_pattern", "is '" + pattern + "'; decoder layers are named 'layers'");
            }
            try {
                return LoraConfig.builder()
                        .r(integer("r"))
                        .alpha(number("lora_alpha", 8))
                        .dropout(number("lora_dropout", 0))
                        .targetModules(targetModules())
                        .bias(LoraBias.fromPeftName(string("bias", "none")))
                        .useRslora(bool("use_rslora"))
                        .useDora(bool("use_dora"))
                        .initLoraWeights(initLoraWeights())
                        .modulesToSave(stringList("modules_to_save"))
                        .layersToTransform(layers())
                        .baseModelNameOrPath(string("base_model_name_or_path", null))
                        .build();
            } catch (IllegalArgumentException e) {
                throw new LoraException(file + ": " + e.getMessage(), e);
            }
        }

        private TargetModules targetModules() {
            JsonElement e = o.get("target_modules");
            if (e == null || e.isJsonNull()) {
                throw error("target_modules", "is missing");
            }
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
                String s = e.getAsString();
                return s.equals(TargetModules.ALL_LINEAR) ? TargetModules.allLinear() : TargetModules.regex(s);
            }
            return new TargetModules.Names(stringList("target_modules"));
        }

        private LoraInit initLoraWeights() {
            JsonElement e = o.get("init_lora_weights");
            if (e == null || e.isJsonNull() || isBool(e, true)) {
                return LoraInit.KAIMING_UNIFORM;
            }
            if (isBool(e, false)) {
                return LoraInit.RANDOM;
            }
            if (e.isJsonPrimitive() && e.getAsString().equals("gaussian")) {
                return LoraInit.GAUSSIAN;
            }
            throw error("init_lora_weights", "is " + e + "; initialisations that rewrite the base weights (PiSSA, "
                    + "OLoRA, LoftQ, ...) need the adapter converted to plain LoRA with PEFT first");
        }

        private static boolean isBool(JsonElement e, boolean value) {
            return e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean() == value;
        }

        private String layersPattern() {
            JsonElement e = o.get("layers_pattern");
            if (e == null || e.isJsonNull()) {
                return null;
            }
            if (e.isJsonArray() && e.getAsJsonArray().size() == 1) {
                return e.getAsJsonArray().get(0).getAsString();
            }
            return e.isJsonPrimitive() ? e.getAsString() : e.toString();
        }

        private List<Integer> layers() {
            JsonElement e = o.get("layers_to_transform");
            List<Integer> out = new ArrayList<>();
            if (e == null || e.isJsonNull()) {
                return out;
            }
            try {
                if (e.isJsonArray()) {
                    for (JsonElement x : e.getAsJsonArray()) {
                        out.add(x.getAsInt());
                    }
                } else {
                    out.add(e.getAsInt());
                }
            } catch (RuntimeException bad) {
                throw error("layers_to_transform", "must be a layer index or a list of them, got " + e);
            }
            return out;
        }

        private List<String> stringList(String key) {
            JsonElement e = o.get(key);
            List<String> out = new ArrayList<>();
            if (e == null || e.isJsonNull()) {
                return out;
            }
            if (!e.isJsonArray()) {
                throw error(key, "must be a list of module names, got " + e);
            }
            for (JsonElement x : e.getAsJsonArray()) {
                if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
                    throw error(key, "must be a list of module names, got " + e);
                }
                out.add(x.getAsString());
            }
            return out;
        }

        private int integer(String key) {
            JsonElement e = o.get(key);
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()
                    || e.getAsDouble() != Math.rint(e.getAsDouble())) {
                throw error(key, e == null ? "is missing" : "must be an integer, got " + e);
            }
            return e.getAsInt();
        }

        private double number(String key, double fallback) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw error(key, "must be a number, got " + e);
            }
            return e.getAsDouble();
        }

        private boolean bool(String key) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                return false;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw error(key, "must be true or false, got " + e);
            }
            return e.getAsBoolean();
        }

        private void requireAbsentOrFalse(String key) {
            if (bool(key)) {
                throw error(key, "is true; tunebook does not support this option");
            }
        }

        private String string(String key, String fallback) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw error(key, "must be a string, got " + e);
            }
            return e.getAsString();
        }

        private LoraException error(String key, String what) {
            return new LoraException(file + ": field '" + key + "' " + what);
        }
    }
}
