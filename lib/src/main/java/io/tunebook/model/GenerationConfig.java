package io.tunebook.model;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * The model author's decoding defaults from {@code generation_config.json}; absent fields fall back
 * to transformers' defaults (greedy, temperature 1, top-k 50, top-p 1).
 */
public record GenerationConfig(
        List<Integer> eosTokenIds,
        OptionalInt bosTokenId,
        OptionalInt padTokenId,
        boolean doSample,
        double temperature,
        int topK,
        double topP,
        double repetitionPenalty,
        OptionalInt maxNewTokens) {

    public GenerationConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Defaults derived from {@code config.json} when a model ships no generation config. */
    public static GenerationConfig defaults(ModelConfig model) {
        return new GenerationConfig(model.eosTokenIds(), model.bosTokenId(), OptionalInt.empty(), false, 1.0, 50,
                1.0, 1.0, OptionalInt.empty());
    }

    public static GenerationConfig read(Path file, ModelConfig model) {
        if (!Files.exists(file)) {
            return defaults(model);
        }
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new ModelException(file + ": not a valid JSON object (" + e.getMessage() + ")", e);
        }
        try {
            List<Integer> eos = JsonValues.ids(o.get("eos_token_id"));
            return new GenerationConfig(
                    eos.isEmpty() ? model.eosTokenIds() : eos,
                    o.has("bos_token_id") && !o.get("bos_token_id").isJsonNull()
                            ? OptionalInt.of(o.get("bos_token_id").getAsInt()) : model.bosTokenId(),
                    o.has("pad_token_id") && !o.get("pad_token_id").isJsonNull()
                            ? OptionalInt.of(o.get("pad_token_id").getAsInt()) : OptionalInt.empty(),
                    o.has("do_sample") && o.get("do_sample").getAsBoolean(),
                    o.has("temperature") ? o.get("temperature").getAsDouble() : 1.0,
                    o.has("top_k") ? o.get("top_k").getAsInt() : 50,
                    o.has("top_p") ? o.get("top_p").getAsDouble() : 1.0,
                    o.has("repetition_penalty") ? o.get("repetition_penalty").getAsDouble() : 1.0,
                    o.has("max_new_tokens") ? OptionalInt.of(o.get("max_new_tokens").getAsInt()) : OptionalInt.empty());
        } catch (RuntimeException e) {
            throw new ModelException(file + ": unexpected field value (" + e.getMessage() + ")", e);
        }
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        bosTokenId.ifPresent(id -> o.addProperty("bos_token_id", id));
        JsonValues.putIds(o, "eos_token_id", eosTokenIds);
        padTokenId.ifPresent(id -> o.addProperty("pad_token_id", id));
        o.addProperty("do_sample", doSample);
        o.addProperty("temperature", temperature);
        o.addProperty("top_k", topK);
        o.addProperty("top_p", topP);
        o.addProperty("repetition_penalty", repetitionPenalty);
        maxNewTokens.ifPresent(n -> o.addProperty("max_new_tokens", n));
        return JsonValues.PRETTY.toJson(o) + "\n";
    }
}
