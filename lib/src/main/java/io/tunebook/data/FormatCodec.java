package io.tunebook.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;

/** Reads rows of one format into examples and writes examples back as rows of it. */
interface FormatCodec {
    /** The row as an example; {@code null} when the row has issues, all recorded on {@code row}. */
    Example read(RowContext row);

    /** The example as a row of this format; fails when the format cannot hold it. */
    JsonObject write(Example example, DatasetFormat self);

    /** The fields that make a row's content, named in reports about the row as a whole. */
    String contentFields();

    // ---- helpers shared by the codecs ----

    /** Whether {@code turns} is user, assistant, user, assistant, ..., ending on the assistant. */
    static boolean exchanges(List<Message> turns) {
        if (turns.isEmpty() || turns.size() % 2 != 0) {
            return false;
        }
        for (int i = 0; i < turns.size(); i++) {
            if (turns.get(i).role() != (i % 2 == 0 ? Role.USER : Role.ASSISTANT)) {
                return false;
            }
        }
        return true;
    }

    static void requireNotPreference(Example e, DatasetFormat self) {
        if (e.isPreference()) {
            throw new ConversionException(e.source(), self, "it is a preference pair and " + self.id()
                    + " has no rejected answer (convert to preference, or drop rejected answers first)");
        }
    }

    static void requireExchanges(Example e, DatasetFormat self, String what) {
        if (!exchanges(e.conversation().turns())) {
            throw new ConversionException(e.source(), self, what);
        }
    }

    /** Messages as OpenAI-style {@code {"role", "content"}} objects, or ShareGPT's {@code from}/{@code value}. */
    static JsonArray messages(List<Message> messages, boolean shareGpt) {
        JsonArray out = new JsonArray();
        for (Message m : messages) {
            JsonObject o = new JsonObject();
            o.addProperty(shareGpt ? "from" : "role", shareGpt ? m.role().shareGptName() : m.role().openAiName());
            o.addProperty(shareGpt ? "value" : "content", m.content());
            out.add(o);
        }
        return out;
    }

    /** Appends the example's extra fields; one named like a field of the format cannot be written. */
    static JsonObject withExtras(JsonObject row, Example e, DatasetFormat self) {
        for (Map.Entry<String, JsonElement> x : e.extras().entrySet()) {
            if (row.has(x.getKey())) {
                throw new ConversionException(e.source(), self, "its extra field '" + x.getKey()
                        + "' has the name of a " + self.id() + " field");
            }
            row.add(x.getKey(), x.getValue());
        }
        return row;
    }
}
