package io.tunebook.data;

/** Why {@link Cleaner} removed an example. */
public enum RemovalReason {
    /** The same text (after normalisation) as an earlier example. */
    EXACT_DUPLICATE,
    /** Nearly the same text as an earlier example (MinHash Jaccard estimate at or above the threshold). */
    NEAR_DUPLICATE,
    /** Fewer tokens than the minimum. */
    TOO_SHORT,
    /** More tokens than the maximum. */
    TOO_LONG,
    /** Holds an e-mail address, and e-mails are dropped. */
    EMAIL,
    /** Holds a phone number, and phone numbers are dropped. */
    PHONE_NUMBER
}
