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

    /** Tokens a prefix may have beyond the same text inside the whole (the word it cuts may split otherwise). */
    int PREFIX_SLACK = 16;

    /**
     * The count of {@code text} when it is at most {@code limit}, else {@code limit + 1}, in time and memory
     * bounded by the limit for ordinary text rather than by the text's length: prefixes of growing length
     * (8 characters a token, then 4 times more each time) are counted until one has more than
     * {@code limit + PREFIX_SLACK} tokens, or the whole text is counted.
     */
    default int countUpTo(String text, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        long prefix = Math.max(64, 8L * (limit + PREFIX_SLACK));
        while (prefix < text.length()) {
            int end = (int) prefix;
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            if (count(text.substring(0, end)) > limit + PREFIX_SLACK) {
                return limit + 1;
            }
            prefix *= 4;
        }
        return Math.min(count(text), limit + 1);
    }

    /** {@link #count(Example)}, but stopping at {@code limit + 1} as {@link #countUpTo(String, int)} does. */
    default int countUpTo(Example example, int limit) {
        Conversation c = example.conversation();
        boolean preference = example.isPreference() && c.endsWithAssistant();
        long total = 0;
        for (Message m : preference ? c.withoutLast().messages() : c.messages()) {
            total += countUpTo(m.content(), limit);
            if (total > limit) {
                return limit + 1;
            }
        }
        if (preference) {
            total += Math.max(countUpTo(c.last().content(), limit), countUpTo(example.rejected(), limit));
        }
        return (int) Math.min(total, limit + 1L);
    }

    /** Unicode code points: a stand-in when no tokenizer is at hand. */
    static TokenCounter codePoints() {
        return text -> text.codePointCount(0, text.length());
    }
}
