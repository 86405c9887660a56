package io.tunebook.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The conventions of Hugging Face's JSON configs that several files share. */
final class JsonValues {
    static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().create();

    private JsonValues() {
    }

    /** Token ids written either as one number or as a list ({@code eos_token_id}). */
    static List<Integer> ids(JsonElement e) {
        List<Integer> out = new ArrayList<>();
        if (e == null || e.isJsonNull()) {
            return out;
        }
        if (e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) {
                out.add(x.getAsInt());
            }
        } else {
            out.add(e.getAsInt());
        }
        return out;
    }

    /** Writes ids the way transformers does: a number when there is one, a list otherwise, nothing when none. */
    static void putIds(JsonObject o, String key, List<Integer> ids) {
        if (ids.size() == 1) {
            o.addProperty(key, ids.get(0));
        } else if (!ids.isEmpty()) {
            JsonArray a = new JsonArray();
            ids.forEach(a::add);
            o.add(key, a);
        }
    }
}
