package io.tunebook.data;

/** What happens to a tokenized example longer than {@code maxSeqLength}; every case is counted in the report. */
public enum Truncation {
    /** Leave the example out: no answer is learnt cut short of its end-of-turn token. */
    DROP,
    /** Keep the first {@code maxSeqLength} tokens: the prompt stays whole, the end of the answer goes. */
    TRUNCATE_RIGHT,
    /**
     * Keep the last tokens: the most recent turns of a long multi-turn conversation, starting at a
     * message boundary when one fits (the system message and the oldest turns go first). With
     * {@code trainOnAllTokens} the cut is at the token, message boundaries are not looked for.
     */
    TRUNCATE_LEFT
}
