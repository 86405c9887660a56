package io.tunebook.data;

import com.google.gson.JsonObject;

/** {@code input} and {@code output}: one user message and its answer. */
final class InputOutputCodec implements FormatCodec {
    @Override
    public Example read(RowContext row) {
        String input = row.requiredString("input");
        String output = row.requiredString("output");
        if (row.hasIssues()) {
            return null;
        }
        return row.example(Conversation.of(input, output), null);
    }

    @Override
    public JsonObject write(Example e, DatasetFormat self) {
        FormatCodec.requireNotPreference(e, self);
        Conversation c = e.conversation();
        if (c.size() != 2 || !FormatCodec.exchanges(c.messages())) {
            throw new ConversionException(e.source(), self, "input/output holds exactly one user message and one "
                    + "answer, without system prompt; this conversation has " + c.size() + " messages"
                    + (c.system().isPresent() ? " including a system prompt" : ""));
        }
        JsonObject o = new JsonObject();
        o.addProperty("input", c.messages().get(0).content());
        o.addProperty("output", c.messages().get(1).content());
        return FormatCodec.withExtras(o, e, self);
    }

    @Override
    public String contentFields() {
        return "input/output";
    }
}
