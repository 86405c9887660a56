package io.tunebook.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * One row being read in one format: typed field reads that record an {@link Issue} naming the
 * field for each problem, rather than stopping at the first, and the fields left over as extras.
 */
final class RowContext {
    private final Source source;
    private final JsonObject row;
    private final DatasetFormat format;
    private final List<Issue> issues = new ArrayList<>();
    private final Set<String> consumed = new HashSet<>();

    RowContext(Source source, JsonObject row, DatasetFormat format) {
        this.source = source;
        this.row = row;
        this.format = format;
    }

    List<Issue> issues() {
        return issues;
    }

    boolean hasIssues() {
        return !issues.isEmpty();
    }

    void issue(String field, IssueKind kind, String message) {
        issues.add(new Issue(source, field, kind, message));
    }

    boolean has(String field) {
        JsonElement e = row.get(field);
        return e != null && !e.isJsonNull();
    }

    /** The field's value, {@code null} when absent or JSON null; the field is no extra. */
    JsonElement take(String field) {
        consumed.add(field);
        JsonElement e = row.get(field);
        return e == null || e.isJsonNull() ? null : e;
    }

    void missing(String field) {
        JsonElement e = row.get(field);
        String hint = "";
        Optional<DatasetFormat> guess = DatasetFormat.guess(row);
        if (guess.isPresent() && guess.get() != format) {
            hint = " (this row looks like " + guess.get().id() + ")";
        }
        issue(field, IssueKind.MISSING_FIELD, (e == null ? "'" + field + "' is missing" : "'" + field + "' is null")
                + " (format " + format.id() + ")" + hint);
    }

    /** A required non-blank string; {@code null} after recording why not. */
    String requiredString(String field) {
        JsonElement e = take(field);
        if (e == null) {
            missing(field);
            return null;
        }
        return nonBlank(e, field);
    }

    /** An optional string: {@code null} when absent, null or empty. */
    String optionalString(String field) {
        JsonElement e = take(field);
        if (e == null) {
            return null;
        }
        if (!isString(e)) {
            issue(field, IssueKind.WRONG_TYPE, "'" + field + "' must be a string, got " + typeOf(e));
            return null;
        }
        String s = e.getAsString();
        return s.isBlank() ? null : s;
    }

    /** {@code e} as a non-blank string; {@code null} after recording why not. */
    String nonBlank(JsonElement e, String field) {
        if (e == null || e.isJsonNull()) {
            issue(field, IssueKind.MISSING_FIELD, "'" + field + "' is null");
            return null;
        }
        if (!isString(e)) {
            issue(field, IssueKind.WRONG_TYPE, "'" + field + "' must be a string, got " + typeOf(e));
            return null;
        }
        String s = e.getAsString();
        if (s.isBlank()) {
            issue(field, IssueKind.EMPTY_FIELD, "'" + field + "' is " + (s.isEmpty() ? "empty" : "blank"));
            return null;
        }
        return s;
    }

    /**
     * A list of message objects with a role key and a content key; {@code null} after recording
     * the problems. Messages that are bad are reported each and the list as a whole is rejected.
     */
    List<Message> messages(JsonElement e, String field, String roleKey, String contentKey) {
        if (!(e instanceof JsonArray)) {
            issue(field, IssueKind.WRONG_TYPE, "'" + field + "' must be a list of messages, got " + typeOf(e));
            return null;
        }
        JsonArray array = e.getAsJsonArray();
        if (array.isEmpty()) {
            issue(field, IssueKind.EMPTY_FIELD, "'" + field + "' has no messages");
            return null;
        }
        List<Message> out = new ArrayList<>(array.size());
        boolean ok = true;
        for (int i = 0; i < array.size(); i++) {
            String at = field + "[" + i + "]";
            JsonElement m = array.get(i);
            if (!(m instanceof JsonObject)) {
                issue(at, IssueKind.WRONG_TYPE, "a message must be an object with '" + roleKey + "' and '" + contentKey
                        + "', got " + typeOf(m));
                ok = false;
                continue;
            }
            JsonObject o = m.getAsJsonObject();
            Role role = null;
            JsonElement r = o.get(roleKey);
            if (r == null || r.isJsonNull()) {
                issue(at + "." + roleKey, IssueKind.MISSING_FIELD, "message has no '" + roleKey + "'");
            } else if (!isString(r)) {
                issue(at + "." + roleKey, IssueKind.WRONG_TYPE, "'" + roleKey + "' must be a string, got " + typeOf(r));
            } else {
                role = Role.parse(r.getAsString()).orElse(null);
                if (role == null) {
                    issue(at + "." + roleKey, IssueKind.UNKNOWN_ROLE, "unknown role '" + r.getAsString()
                            + "' (expected one of " + Role.ACCEPTED_NAMES + ")");
                }
            }
            JsonElement c = o.get(contentKey);
            String content = c == null ? null : nonBlank(c, at + "." + contentKey);
            if (c == null) {
                issue(at + "." + contentKey, IssueKind.MISSING_FIELD, "message has no '" + contentKey + "'");
            }
            if (role == null || content == null) {
                ok = false;
            } else {
                out.add(new Message(role, content));
            }
        }
        return ok ? out : null;
    }

    /**
     * Checks the turn order of a whole conversation: an optional system message first, then user
     * and assistant alternating from a user turn; with {@code endOnAssistant}, the last turn is the
     * assistant's.
     *
     * @param roleField the field that holds the role of message {@code i}, for reports
     */
    boolean checkTurns(List<Message> messages, IntFunction<String> roleField, String field,
            boolean endOnAssistant) {
        int before = issues.size();
        Role previous = null;
        boolean sawTurn = false;
        for (int i = 0; i < messages.size(); i++) {
            Role role = messages.get(i).role();
            if (role == Role.SYSTEM) {
                if (i > 0) {
                    issue(roleField.apply(i), IssueKind.TURN_ORDER, "a system message may only come first, found one at "
                            + "position " + i);
                }
            } else if (!sawTurn && role != Role.USER) {
                issue(roleField.apply(i), IssueKind.TURN_ORDER, "the first turn must be the user's, got " + name(role));
            } else if (role == previous) {
                issue(roleField.apply(i), IssueKind.TURN_ORDER, "two " + name(role) + " turns in a row (positions "
                        + (i - 1) + " and " + i + ")");
            }
            sawTurn |= role != Role.SYSTEM;
            previous = role;
        }
        if (!sawTurn) {
            issue(field, IssueKind.EMPTY_FIELD, "'" + field + "' has a system message and no turns");
        } else if (endOnAssistant && previous != Role.ASSISTANT) {
            issue(field, IssueKind.NO_FINAL_ASSISTANT, "the conversation ends on a " + name(previous)
                    + " turn, not the assistant's");
        }
        return issues.size() == before;
    }

    private static String name(Role role) {
        return role.openAiName();
    }

    /**
     * A prompt given as a string (one user message) or as a list of {@code role}/{@code content}
     * messages; {@code null} after recording why not. Adds each message's role field to
     * {@code roleFields}, for turn-order reports.
     */
    List<Message> prompt(String field, List<String> roleFields) {
        JsonElement e = take(field);
        if (e == null) {
            missing(field);
            return null;
        }
        if (isString(e)) {
            String s = nonBlank(e, field);
            if (s == null) {
                return null;
            }
            roleFields.add(field);
            return List.of(Message.user(s));
        }
        List<Message> messages = messages(e, field, "role", "content");
        if (messages != null) {
            for (int i = 0; i < messages.size(); i++) {
                roleFields.add(field + "[" + i + "].role");
            }
        }
        return messages;
    }

    /** The row's fields that the format did not read, in file order. */
    Map<String, JsonElement> extras() {
        Map<String, JsonElement> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : row.entrySet()) {
            if (!consumed.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    Example example(Conversation conversation, String rejected) {
        return new Example(conversation, rejected, extras(), source, format);
    }

    static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    static String typeOf(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonArray()) {
            return "a list";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.getAsJsonPrimitive().isBoolean()) {
            return "a boolean";
        }
        if (e.getAsJsonPrimitive().isNumber()) {
            return "a number";
        }
        return "a string";
    }
}
