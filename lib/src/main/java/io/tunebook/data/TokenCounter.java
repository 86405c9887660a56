package io.tunebook.data;

/**
 * Counts the tokens of a text, for length checks and filters. Back it with the model's tokenizer,
 * e.g. {@code text -> tokenizer.encode(text, false).length}; this package never loads one itself.
 *
 * <p>The length of an {@link Example} is, by default, the sum of its message contents' counts (for
 * a preference pair, the prompt plus the longer of the two answers: the longest sequence trained
 * on). A counter that knows the chat template can override {@link #count(Example)} to count the
 * rendered conversation instead.
 */
@FunctionalInterface
public interface TokenCounter {
    int count(String text);

    default int count(Example example) {
        Conversation c = example.conversation();
        if (example.isPreference() && c.endsWithAssistant()) {
            int prompt = 0;
            for (Message m : c.withoutLast().messages()) {
                prompt += count(m.content());
            }
            return prompt + Math.max(count(c.last().content()), count(example.rejected()));
        }
        int total = 0;
        for (Message m : c.messages()) {
            total += count(m.content());
        }
        return total;
    }

    /** Unicode code points: a stand-in when no tokenizer is at hand. */
    static TokenCounter codePoints() {
        return text -> text.codePointCount(0, text.length());
    }
}
