package io.tunebook.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of messages under one field: ShareGPT ({@code conversations} of {@code from}/{@code value},
 * with an optional top-level {@code system}) or OpenAI/ChatML ({@code messages} of
 * {@code role}/{@code content}).
 */
final class ChatCodec implements FormatCodec {
    static final ChatCodec SHAREGPT = new ChatCodec("conversations", "from", "value", true);
    static final ChatCodec OPENAI = new ChatCodec("messages", "role", "content", false);

    private final String field;
    private final String roleKey;
    private final String contentKey;
    private final boolean shareGpt;

    private ChatCodec(String field, String roleKey, String contentKey, boolean shareGpt) {
        this.field = field;
        this.roleKey = roleKey;
        this.contentKey = contentKey;
        this.shareGpt = shareGpt;
    }

    @Override
    public Example read(RowContext row) {
        JsonElement list = row.take(field);
        String system = shareGpt ? row.optionalString("system") : null;
        if (list == null) {
            row.missing(field);
            return null;
        }
        List<Message> turns = row.messages(list, field, roleKey, contentKey);
        if (turns == null) {
            return null;
        }
        List<Message> messages = new ArrayList<>();
        int offset = 0;
        if (system != null) {
            if (turns.get(0).role() == Role.SYSTEM) {
                row.issue("system", IssueKind.TURN_ORDER, "a 'system' field and a system turn: give one system prompt");
                return null;
            }
            messages.add(Message.system(system));
            offset = 1;
        }
        messages.addAll(turns);
        int o = offset;
        if (!row.checkTurns(messages, i -> i < o ? "system" : field + "[" + (i - o) + "]." + roleKey, field, true)
                || row.hasIssues()) {
            return null;
        }
        return row.example(new Conversation(messages), null);
    }

    @Override
    public JsonObject write(Example e, DatasetFormat self) {
        FormatCodec.requireNotPreference(e, self);
        JsonObject o = new JsonObject();
        o.add(field, FormatCodec.messages(e.conversation().messages(), shareGpt));
        return FormatCodec.withExtras(o, e, self);
    }

    @Override
    public String contentFields() {
        return field;
    }
}
