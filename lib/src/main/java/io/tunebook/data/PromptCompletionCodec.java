package io.tunebook.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code prompt} and {@code completion}, each a string (a user message and its answer) or, in
 * TRL's conversational form, a list of {@code role}/{@code content} messages.
 */
final class PromptCompletionCodec implements FormatCodec {
    @Override
    public Example read(RowContext row) {
        List<String> roleFields = new ArrayList<>();
        List<Message> prompt = row.prompt("prompt", roleFields);
        JsonElement c = row.take("completion");
        List<Message> completion = null;
        if (c == null) {
            row.missing("completion");
        } else if (RowContext.isString(c)) {
            String s = row.nonBlank(c, "completion");
            if (s != null) {
                completion = List.of(Message.assistant(s));
                roleFields.add("completion");
            }
        } else {
            completion = row.messages(c, "completion", "role", "content");
            if (completion != null) {
                for (int i = 0; i < completion.size(); i++) {
                    roleFields.add("completion[" + i + "].role");
                }
            }
        }
        if (prompt == null || completion == null || row.hasIssues()) {
            return null;
        }
        List<Message> messages = new ArrayList<>(prompt);
        messages.addAll(completion);
        if (!row.checkTurns(messages, roleFields::get, "completion", true)) {
            return null;
        }
        return row.example(new Conversation(messages), null);
    }

    @Override
    public JsonObject write(Example e, DatasetFormat self) {
        FormatCodec.requireNotPreference(e, self);
        Conversation c = e.conversation();
        if (!c.endsWithAssistant()) {
            throw new ConversionException(e.source(), self, "the conversation does not end on an assistant turn");
        }
        JsonObject o = new JsonObject();
        if (c.size() == 2 && FormatCodec.exchanges(c.messages())) {
            o.addProperty("prompt", c.messages().get(0).content());
            o.addProperty("completion", c.last().content());
        } else {
            o.add("prompt", FormatCodec.messages(c.withoutLast().messages(), false));
            JsonArray completion = FormatCodec.messages(List.of(c.last()), false);
            o.add("completion", completion);
        }
        return FormatCodec.withExtras(o, e, self);
    }

    @Override
    public String contentFields() {
        return "prompt/completion";
    }
}
