package io.tunebook.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Alpaca: {@code instruction}, optional {@code input} (joined to the instruction after a blank
 * line), {@code output}, optional {@code system}, and optional {@code history}, a list of earlier
 * {@code [user, assistant]} pairs (LLaMA-Factory's extension), which lets multi-turn
 * conversations be written as Alpaca too. Written rows put the whole user message in
 * {@code instruction} with an empty {@code input}: a row read with a non-empty input comes back
 * as the same conversation, not the same two fields.
 */
final class AlpacaCodec implements FormatCodec {
    /** Between the instruction and a non-empty input in the user message. */
    static final String INPUT_SEPARATOR = "\n\n";

    @Override
    public Example read(RowContext row) {
        String instruction = row.requiredString("instruction");
        String input = row.optionalString("input");
        String output = row.requiredString("output");
        String system = row.optionalString("system");
        List<Message> messages = new ArrayList<>();
        if (system != null) {
            messages.add(Message.system(system));
        }
        JsonElement history = row.take("history");
        if (history != null) {
            if (!history.isJsonArray()) {
                row.issue("history", IssueKind.WRONG_TYPE, "'history' must be a list of [user, assistant] pairs, got "
                        + RowContext.typeOf(history));
            } else {
                JsonArray pairs = history.getAsJsonArray();
                for (int i = 0; i < pairs.size(); i++) {
                    JsonElement p = pairs.get(i);
                    String at = "history[" + i + "]";
                    if (!p.isJsonArray() || p.getAsJsonArray().size() != 2) {
                        row.issue(at, IssueKind.WRONG_TYPE, "a history entry must be a [user, assistant] pair, got "
                                + (p.isJsonArray() ? "a list of " + p.getAsJsonArray().size() : RowContext.typeOf(p)));
                        continue;
                    }
                    String user = row.nonBlank(p.getAsJsonArray().get(0), at + "[0]");
                    String assistant = row.nonBlank(p.getAsJsonArray().get(1), at + "[1]");
                    if (user != null && assistant != null) {
                        messages.add(Message.user(user));
                        messages.add(Message.assistant(assistant));
                    }
                }
            }
        }
        if (row.hasIssues()) {
            return null;
        }
        messages.add(Message.user(input == null ? instruction : instruction + INPUT_SEPARATOR + input));
        messages.add(Message.assistant(output));
        return row.example(new Conversation(messages), null);
    }

    @Override
    public JsonObject write(Example e, DatasetFormat self) {
        FormatCodec.requireNotPreference(e, self);
        FormatCodec.requireExchanges(e, self, "alpaca holds user/assistant exchanges after an optional system "
                + "message, ending on the assistant");
        List<Message> turns = e.conversation().turns();
        int n = turns.size();
        JsonObject o = new JsonObject();
        o.addProperty("instruction", turns.get(n - 2).content());
        o.addProperty("input", "");
        o.addProperty("output", turns.get(n - 1).content());
        e.conversation().system().ifPresent(s -> o.addProperty("system", s));
        if (n > 2) {
            JsonArray history = new JsonArray();
            for (int i = 0; i + 2 < n; i += 2) {
                JsonArray pair = new JsonArray();
                pair.add(turns.get(i).content());
                pair.add(turns.get(i + 1).content());
                history.add(pair);
            }
            o.add("history", history);
        }
        return FormatCodec.withExtras(o, e, self);
    }

    @Override
    public String contentFields() {
        return "instruction/input/output";
    }
}
