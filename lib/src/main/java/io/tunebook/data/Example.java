package io.tunebook.data;

import com.google.gson.JsonElement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One dataset row, normalised: its conversation, for a preference pair the rejected answer (the
 * chosen one is the conversation's last message), the row's other fields untouched (an {@code id},
 * a {@code category} to stratify on, ...), where it came from and the format it was read in.
 *
 * @param rejected the rejected answer of a preference pair; {@code null} for other examples
 * @param extras the row's fields that are not part of its format, in file order
 * @param format the format the row was read in; {@code null} for an example built in code
 */
public record Example(Conversation conversation, String rejected, Map<String, JsonElement> extras, Source source,
        DatasetFormat format) {

    public Example {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(source, "source");
        extras = extras == null || extras.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }

    /** An example built in code. */
    public static Example of(Conversation conversation) {
        return new Example(conversation, null, Map.of(), Source.inMemory(0), null);
    }

    /** A preference pair built in code. */
    public static Example of(Preference pair) {
        return new Example(pair.prompt().plus(Message.assistant(pair.chosen())), pair.rejected(), Map.of(),
                Source.inMemory(0), null);
    }

    public boolean isPreference() {
        return rejected != null;
    }

    /** The pair, for a preference example. */
    public Optional<Preference> preference() {
        if (rejected == null || !conversation.endsWithAssistant()) {
            return Optional.empty();
        }
        return Optional.of(new Preference(conversation.withoutLast(), conversation.last().content(), rejected));
    }

    /**
     * An extra field as text: a string as is, a number or boolean in its JSON form, an object or
     * array as JSON; empty when absent or null.
     */
    public Optional<String> extra(String name) {
        JsonElement e = extras.get(name);
        if (e == null || e.isJsonNull()) {
            return Optional.empty();
        }
        return Optional.of(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : e.toString());
    }

    public Example withConversation(Conversation newConversation) {
        return new Example(newConversation, rejected, extras, source, format);
    }

    public Example withRejected(String newRejected) {
        return new Example(conversation, newRejected, extras, source, format);
    }

    /** This example without its rejected answer: supervised data from a preference pair. */
    public Example withoutRejected() {
        return withRejected(null);
    }

    public Example withSource(Source newSource) {
        return new Example(conversation, rejected, extras, newSource, format);
    }

    public Example withExtras(Map<String, JsonElement> newExtras) {
        return new Example(conversation, rejected, newExtras, source, format);
    }
}
