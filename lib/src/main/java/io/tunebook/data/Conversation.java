package io.tunebook.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The normalised form of every dataset row: an optional system message, then user and assistant
 * turns. Immutable. A well-formed conversation (what validation accepts) alternates user and
 * assistant after the optional system message and ends on an assistant turn, which is the answer
 * a model is trained to give.
 */
public record Conversation(List<Message> messages) {
    public Conversation {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    }

    public static Conversation of(Message... messages) {
        return new Conversation(List.of(messages));
    }

    /** A single exchange: one user message and its answer. */
    public static Conversation of(String user, String assistant) {
        return of(Message.user(user), Message.assistant(assistant));
    }

    public int size() {
        return messages.size();
    }

    /** The content of a leading system message. */
    public Optional<String> system() {
        return !messages.isEmpty() && messages.get(0).role() == Role.SYSTEM
                ? Optional.of(messages.get(0).content()) : Optional.empty();
    }

    /** The messages after a leading system message. */
    public List<Message> turns() {
        return system().isPresent() ? messages.subList(1, messages.size()) : messages;
    }

    /** How many messages each role has. */
    public long count(Role role) {
        return messages.stream().filter(m -> m.role() == role).count();
    }

    /** The last message; fails on an empty conversation. */
    public Message last() {
        if (messages.isEmpty()) {
            throw new IllegalStateException("empty conversation");
        }
        return messages.get(messages.size() - 1);
    }

    /** Whether the last message is an assistant turn. */
    public boolean endsWithAssistant() {
        return !messages.isEmpty() && last().role() == Role.ASSISTANT;
    }

    /** All messages but the last: the prompt that the last message answers. */
    public Conversation withoutLast() {
        return messages.isEmpty() ? this : new Conversation(messages.subList(0, messages.size() - 1));
    }

    /** This conversation with {@code message} appended. */
    public Conversation plus(Message message) {
        List<Message> out = new ArrayList<>(messages);
        out.add(message);
        return new Conversation(out);
    }

    /** The same roles with every content passed through {@code f}. */
    public Conversation mapContent(UnaryOperator<String> f) {
        List<Message> out = new ArrayList<>(messages.size());
        for (Message m : messages) {
            out.add(m.withContent(f.apply(m.content())));
        }
        return new Conversation(out);
    }
}
