package io.tunebook.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.tunebook.eval.client.LocalChatBackend;
import io.tunebook.model.GenerationResult;
import io.tunebook.serve.CompletionRequest.Endpoint;
import java.util.List;
import java.util.UUID;

/** OpenAI's response objects for one request: the whole completion, or its stream chunks. */
final class Responses {
    private final Endpoint endpoint;
    private final String id;
    private final long created;
    private final String model;

    Responses(Endpoint endpoint, String model) {
        this.endpoint = endpoint;
        this.id = endpoint.idPrefix + UUID.randomUUID().toString().replace("-", "");
        this.created = System.currentTimeMillis() / 1000;
        this.model = model;
    }

    static JsonObject models(String modelId, long created) {
        JsonObject m = new JsonObject();
        m.addProperty("id", modelId);
        m.addProperty("object", "model");
        m.addProperty("created", created);
        m.addProperty("owned_by", "tunebook");
        JsonArray data = new JsonArray();
        data.add(m);
        JsonObject o = new JsonObject();
        o.addProperty("object", "list");
        o.add("data", data);
        return o;
    }

    /** {@code chat.completion} or {@code text_completion} with every choice and the usage. */
    JsonObject completion(List<GenerationResult> results) {
        JsonArray choices = new JsonArray();
        for (int i = 0; i < results.size(); i++) {
            GenerationResult r = results.get(i);
            choices.add(choice(i, r.text(), LocalChatBackend.finishReason(r.finishReason()), false));
        }
        JsonObject o = envelope(endpoint.object, choices);
        o.add("usage", usage(results));
        return o;
    }

    /** A stream chunk carrying {@code text} for choice {@code index}. */
    JsonObject delta(int index, String text) {
        JsonArray choices = new JsonArray();
        choices.add(choice(index, text, null, true));
        return chunk(choices);
    }

    /** The chat stream's first chunk: the assistant role, no text yet. */
    JsonObject roleChunk() {
        JsonObject delta = new JsonObject();
        delta.addProperty("role", "assistant");
        delta.addProperty("content", "");
        JsonObject c = new JsonObject();
        c.addProperty("index", 0);
        c.add("delta", delta);
        c.add("logprobs", JsonNull.INSTANCE);
        c.add("finish_reason", JsonNull.INSTANCE);
        JsonArray choices = new JsonArray();
        choices.add(c);
        return chunk(choices);
    }

    /** The chunk that ends choice {@code index}: no text, its finish reason. */
    JsonObject finish(int index, GenerationResult result) {
        JsonArray choices = new JsonArray();
        choices.add(choice(index, "", LocalChatBackend.finishReason(result.finishReason()), true));
        JsonObject chunk = chunk(choices);
        if (endpoint == Endpoint.CHAT) {
            chunk.getAsJsonArray("choices").get(0).getAsJsonObject().add("delta", new JsonObject());
        }
        return chunk;
    }

    /** The last chunk of a stream that asked for usage: no choices, the usage. */
    JsonObject usageChunk(List<GenerationResult> results) {
        JsonObject chunk = chunk(new JsonArray());
        chunk.add("usage", usage(results));
        return chunk;
    }

    private JsonObject chunk(JsonArray choices) {
        return envelope(endpoint == Endpoint.CHAT ? "chat.completion.chunk" : endpoint.object, choices);
    }

    private JsonObject envelope(String object, JsonArray choices) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("object", object);
        o.addProperty("created", created);
        o.addProperty("model", model);
        o.add("choices", choices);
        return o;
    }

    private JsonObject choice(int index, String text, String finishReason, boolean streaming) {
        JsonObject c = new JsonObject();
        c.addProperty("index", index);
        if (endpoint == Endpoint.CHAT) {
            JsonObject message = new JsonObject();
            if (!streaming) {
                message.addProperty("role", "assistant");
            }
            message.addProperty("content", text);
            c.add(streaming ? "delta" : "message", message);
        } else {
            c.addProperty("text", text);
        }
        c.add("logprobs", JsonNull.INSTANCE);
        if (finishReason == null) {
            c.add("finish_reason", JsonNull.INSTANCE);
        } else {
            c.addProperty("finish_reason", finishReason);
        }
        return c;
    }

    private static JsonObject usage(List<GenerationResult> results) {
        long prompt = 0;
        long completion = 0;
        for (GenerationResult r : results) {
            prompt += r.promptIds().length;
            completion += r.ids().length;
        }
        JsonObject u = new JsonObject();
        u.addProperty("prompt_tokens", prompt);
        u.addProperty("completion_tokens", completion);
        u.addProperty("total_tokens", prompt + completion);
        return u;
    }
}
