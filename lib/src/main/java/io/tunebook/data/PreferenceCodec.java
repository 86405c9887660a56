package io.tunebook.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Preference pairs: {@code prompt}, {@code chosen}, {@code rejected} and an optional
 * {@code system}. The prompt is a string or a list of messages; each answer a string or a list
 * holding one assistant message (TRL's conversational form).
 */
final class PreferenceCodec implements FormatCodec {
    @Override
    public Example read(RowContext row) {
        String system = row.optionalString("system");
        List<String> roleFields = new ArrayList<>();
        if (system != null) {
            roleFields.add("system");
        }
        List<Message> prompt = row.prompt("prompt", roleFields);
        String chosen = answer(row, "chosen");
        String rejected = answer(row, "rejected");
        if (prompt == null || chosen == null || rejected == null || row.hasIssues()) {
            return null;
        }
        List<Message> messages = new ArrayList<>();
        if (system != null) {
            if (prompt.get(0).role() == Role.SYSTEM) {
                row.issue("system", IssueKind.TURN_ORDER, "a 'system' field and a system message in the prompt: "
                        + "give one system prompt");
                return null;
            }
            messages.add(Message.system(system));
        }
        messages.addAll(prompt);
        if (!row.checkTurns(messages, roleFields::get, "prompt", false)) {
            return null;
        }
        if (messages.get(messages.size() - 1).role() != Role.USER) {
            row.issue("prompt", IssueKind.TURN_ORDER, "the prompt must end on a user turn, for the answers to reply to");
            return null;
        }
        if (chosen.strip().equals(rejected.strip())) {
            row.issue("rejected", IssueKind.IDENTICAL_ANSWERS, "the chosen and rejected answers are identical: "
                    + "the pair has nothing to prefer");
            return null;
        }
        messages.add(Message.assistant(chosen));
        return row.example(new Conversation(messages), rejected);
    }

    private static String answer(RowContext row, String field) {
        JsonElement e = row.take(field);
        if (e == null) {
            row.missing(field);
            return null;
        }
        if (e.isJsonArray()) {
            List<Message> messages = row.messages(e, field, "role", "content");
            if (messages == null) {
                return null;
            }
            if (messages.size() != 1 || messages.get(0).role() != Role.ASSISTANT) {
                row.issue(field, IssueKind.WRONG_TYPE, "'" + field + "' as a list must hold one assistant message, "
                        + "got " + messages.size() + " message(s)");
                return null;
            }
            return messages.get(0).content();
        }
        return row.nonBlank(e, field);
    }

    @Override
    public JsonObject write(Example e, DatasetFormat self) {
        Conversation c = e.conversation();
        if (!e.isPreference() || !c.endsWithAssistant()) {
            throw new ConversionException(e.source(), self, "it is not a preference pair (it has no rejected answer)");
        }
        Conversation prompt = c.withoutLast();
        List<Message> turns = prompt.turns();
        JsonObject o = new JsonObject();
        if (turns.size() == 1 && turns.get(0).role() == Role.USER) {
            prompt.system().ifPresent(s -> o.addProperty("system", s));
            o.addProperty("prompt", turns.get(0).content());
            o.addProperty("chosen", c.last().content());
            o.addProperty("rejected", e.rejected());
        } else {
            o.add("prompt", FormatCodec.messages(prompt.messages(), false));
            o.add("chosen", FormatCodec.messages(List.of(c.last()), false));
            o.add("rejected", FormatCodec.messages(List.of(Message.assistant(e.rejected())), false));
        }
        return FormatCodec.withExtras(o, e, self);
    }

    @Override
    public String contentFields() {
        return "prompt/chosen/rejected";
    }
}
