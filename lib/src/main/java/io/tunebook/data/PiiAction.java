package io.tunebook.data;

/** What {@link Cleaner} does with an example that holds an e-mail address or a phone number. */
public enum PiiAction {
    /** Nothing is looked for. */
    IGNORE,
    /** The example stays as it is and is listed in the report. */
    FLAG,
    /** Each match is replaced by {@code [EMAIL]} or {@code [PHONE]}, and listed. */
    REDACT,
    /** The example is removed, and listed. */
    DROP
}
