package io.tunebook.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import io.tunebook.data.JsonTree;
import io.tunebook.data.Message;
import io.tunebook.data.Role;
import io.tunebook.model.CausalLM;
import io.tunebook.model.ChatEncoding;
import io.tunebook.model.GenerationConfig;
import io.tunebook.model.GenerationSettings;
import io.tunebook.serve.CompletionRequest.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and validates the JSON of {@code /v1/chat/completions} and {@code /v1/completions}. Every
 * refusal is a 400 naming the offending field in {@code param}. Fields OpenAI defines that a local
 * model has no use for ({@code user}, {@code logit_bias}, ...) are ignored, as vLLM does. Decoding
 * defaults are the model's {@code generation_config.json}: greedy unless it says {@code do_sample}.
 */
final class RequestParser {
    private final ServerConfig config;
    private final CausalLM model;
    private final ChatEncoding chat;

    RequestParser(ServerConfig config, CausalLM model, ChatEncoding chat) {
        this.config = config;
        this.model = model;
        this.chat = chat;
    }

    static JsonObject parseBody(byte[] body) {
        JsonElement e;
        try {
            e = JsonTree.parse(new String(body, StandardCharsets.UTF_8));
        } catch (JsonParseException ex) {
            throw ApiError.invalid("the request body is not valid JSON: " + ex.getMessage(), null);
        }
        if (!e.isJsonObject()) {
            throw ApiError.invalid("the request body must be a JSON object", null);
        }
        return e.getAsJsonObject();
    }

    CompletionRequest chat(JsonObject body) {
        List<Message> messages = messages(body);
        return request(Endpoint.CHAT, body, List.of(chat.promptIds(messages)), "messages", true);
    }

    CompletionRequest text(JsonObject body) {
        JsonElement prompt = body.get("prompt");
        List<String> texts = new ArrayList<>();
        if (prompt == null || prompt.isJsonNull()) {
            throw ApiError.invalid("'prompt' is required", "prompt");
        } else if (isString(prompt)) {
            texts.add(prompt.getAsString());
        } else if (prompt.isJsonArray() && !prompt.getAsJsonArray().isEmpty()) {
            JsonArray list = prompt.getAsJsonArray();
            if (list.size() > config.maxPrompts()) {
                throw ApiError.invalid("at most " + config.maxPrompts() + " prompts per request, got " + list.size(),
                        "prompt");
            }
            for (int i = 0; i < list.size(); i++) {
                if (!isString(list.get(i))) {
                    throw ApiError.invalid("'prompt[" + i + "]' must be a string", "prompt");
                }
                texts.add(list.get(i).getAsString());
            }
        } else {
            throw ApiError.invalid("'prompt' must be a string or a non-empty array of strings", "prompt");
        }
        List<long[]> ids = new ArrayList<>();
        for (String t : texts) {
            long[] p = model.tokenizer().encode(t, true);
            if (p.length == 0) {
                throw ApiError.invalid("'prompt' must not be empty", "prompt");
            }
            ids.add(p);
        }
        return request(Endpoint.TEXT, body, ids, "prompt", false);
    }

    private CompletionRequest request(Endpoint endpoint, JsonObject body, List<long[]> prompts, String promptParam,
            boolean untilEndOfTurn) {
        Optional<String> requestedModel = string(body, "model");
        if (requestedModel.isPresent() && !requestedModel.get().equals(config.modelId())) {
            throw new ApiError(404, "invalid_request_error", "The model '" + requestedModel.get()
                    + "' does not exist; this server serves '" + config.modelId() + "'", "model", "model_not_found");
        }
        int n = integer(body, "n").orElse(1);
        if (n != 1) {
            throw ApiError.invalid("only n=1 is supported, got " + n, "n");
        }
        int context = model.config().maxPositionEmbeddings();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        if (longest >= context) {
            throw ApiError.invalid("the prompt has " + longest + " tokens; this model's context is " + context
                    + " tokens and the answer needs at least one", promptParam, "context_length_exceeded");
        }
        String maxParam = body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int asked = integer(body, maxParam).orElse(config.defaultMaxTokens());
        if (asked < 1) {
            throw ApiError.invalid("'" + maxParam + "' must be at least 1, got " + asked, maxParam);
        }
        GenerationConfig defaults = model.generationConfig();
        GenerationSettings.Builder settings = GenerationSettings.builder()
                .maxNewTokens(Math.min(asked, Math.min(config.maxTokens(), context - longest)))
                .temperature(number(body, "temperature", 0, 2).orElse(defaults.doSample() ? defaults.temperature() : 0))
                .topP(topP(body).orElse(defaults.topP()))
                .topK(integer(body, "top_k").map(k -> nonNegative(k, "top_k")).orElse(defaults.topK()))
                .repetitionPenalty(defaults.repetitionPenalty());
        integer(body, "seed").ifPresent(settings::seed);
        settings.stopStrings(stops(body).toArray(String[]::new));
        boolean stream = bool(body, "stream").orElse(false);
        boolean includeUsage = false;
        JsonElement options = body.get("stream_options");
        if (options != null && !options.isJsonNull()) {
            if (!options.isJsonObject()) {
                throw ApiError.invalid("'stream_options' must be an object", "stream_options");
            }
            includeUsage = bool(options.getAsJsonObject(), "include_usage").orElse(false);
        }
        GenerationSettings decoding = untilEndOfTurn ? chat.untilEndOfTurn(settings.build()) : settings.build();
        return new CompletionRequest(endpoint, prompts, decoding, stream, includeUsage);
    }

    private static Optional<Double> topP(JsonObject body) {
        Optional<Double> p = number(body, "top_p", 0, 1);
        if (p.isPresent() && p.get() == 0) {
            throw ApiError.invalid("'top_p' must be greater than 0", "top_p");
        }
        return p;
    }

    private static int nonNegative(int value, String param) {
        if (value < 0) {
            throw ApiError.invalid("'" + param + "' must not be negative, got " + value, param);
        }
        return value;
    }

    private static List<Message> messages(JsonObject body) {
        JsonElement e = body.get("messages");
        if (e == null || e.isJsonNull()) {
            throw ApiError.invalid("'messages' is required", "messages");
        }
        if (!e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw ApiError.invalid("'messages' must be a non-empty array", "messages");
        }
        JsonArray list = e.getAsJsonArray();
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "messages[" + i + "]";
            if (!list.get(i).isJsonObject()) {
                throw ApiError.invalid("'" + where + "' must be an object", where);
            }
            JsonObject m = list.get(i).getAsJsonObject();
            String roleName = string(m, "role", where + ".role").orElseThrow(
                    () -> ApiError.invalid("'" + where + ".role' is required", where + ".role"));
            // OpenAI's newer name for the system role.
            Optional<Role> role = roleName.equals("developer") ? Optional.of(Role.SYSTEM) : Role.parse(roleName);
            if (role.isEmpty() || !roleName.equals(roleName.toLowerCase())) {
                throw ApiError.invalid("'" + where + ".role' must be system, developer, user or assistant, got '"
                        + roleName + "'", where + ".role");
            }
            out.add(new Message(role.get(), content(m.get("content"), where + ".content")));
        }
        return out;
    }

    /** A string, or OpenAI's array of content parts of which only {@code text} parts are understood. */
    private static String content(JsonElement e, String param) {
        if (e == null || e.isJsonNull()) {
            throw ApiError.invalid("'" + param + "' is required", param);
        }
        if (isString(e)) {
            return e.getAsString();
        }
        if (!e.isJsonArray()) {
            throw ApiError.invalid("'" + param + "' must be a string or an array of text parts", param);
        }
        StringBuilder b = new StringBuilder();
        JsonArray parts = e.getAsJsonArray();
        for (int i = 0; i < parts.size(); i++) {
            JsonElement part = parts.get(i);
            String where = param + "[" + i + "]";
            if (!part.isJsonObject() || !"text".equals(string(part.getAsJsonObject(), "type", where + ".type")
                    .orElse(null))) {
                throw ApiError.invalid("'" + where + "' must be a {\"type\": \"text\"} part; this model reads text only",
                        where);
            }
            b.append(string(part.getAsJsonObject(), "text", where + ".text").orElseThrow(
                    () -> ApiError.invalid("'" + where + ".text' is required", where + ".text")));
        }
        return b.toString();
    }

    private static List<String> stops(JsonObject body) {
        JsonElement e = body.get("stop");
        if (e == null || e.isJsonNull()) {
            return List.of();
        }
        List<String> stops = new ArrayList<>();
        if (isString(e)) {
            stops.add(e.getAsString());
        } else if (e.isJsonArray() && e.getAsJsonArray().size() <= 4) {
            for (JsonElement s : e.getAsJsonArray()) {
                if (!isString(s)) {
                    throw ApiError.invalid("'stop' must hold strings only", "stop");
                }
                stops.add(s.getAsString());
            }
        } else {
            throw ApiError.invalid("'stop' must be a string or an array of at most 4 strings", "stop");
        }
        if (stops.stream().anyMatch(String::isEmpty)) {
            throw ApiError.invalid("'stop' strings must not be empty", "stop");
        }
        return stops;
    }

    private static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    private static Optional<String> string(JsonObject o, String field) {
        return string(o, field, field);
    }

    private static Optional<String> string(JsonObject o, String field, String param) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return Optional.empty();
        }
        if (!isString(e)) {
            throw ApiError.invalid("'" + param + "' must be a string", param);
        }
        return Optional.of(e.getAsString());
    }

    private static Optional<Boolean> bool(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return Optional.empty();
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw ApiError.invalid("'" + field + "' must be a boolean", field);
        }
        return Optional.of(e.getAsBoolean());
    }

    private static Optional<Integer> integer(JsonObject o, String field) {
        Optional<Double> d = number(o, field);
        if (d.isEmpty()) {
            return Optional.empty();
        }
        double v = d.get();
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw ApiError.invalid("'" + field + "' must be an integer, got " + o.get(field), field);
        }
        return Optional.of((int) v);
    }

    private static Optional<Double> number(JsonObject o, String field, double min, double max) {
        Optional<Double> d = number(o, field);
        if (d.isPresent() && !(d.get() >= min && d.get() <= max)) {
            throw ApiError.invalid("'" + field + "' must be in [" + min + ", " + max + "], got " + o.get(field),
                    field);
        }
        return d;
    }

    private static Optional<Double> number(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return Optional.empty();
        }
        if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
            throw ApiError.invalid("'" + field + "' must be a number", field);
        }
        return Optional.of(e.getAsDouble());
    }
}
