package io.tunebook.data;

/** What is wrong with a dataset row. */
public enum IssueKind {
    /** The line is not valid UTF-8. */
    INVALID_ENCODING,
    /** The row is not valid JSON (RFC 8259: no comments, single quotes, trailing commas or NaN). */
    INVALID_JSON,
    /** The row is valid JSON but not an object. */
    NOT_AN_OBJECT,
    /** No format was forced and the row's fields match none. */
    UNKNOWN_FORMAT,
    /** A field the format requires is absent or null. */
    MISSING_FIELD,
    /** A required field is empty or blank. */
    EMPTY_FIELD,
    /** A field has the wrong JSON type (content that is not a string, turns that are not a list, ...). */
    WRONG_TYPE,
    /** A message role that is none of system, user/human, assistant/gpt. */
    UNKNOWN_ROLE,
    /** System not first, two turns of one role in a row, or an assistant turn before any user turn. */
    TURN_ORDER,
    /** The conversation does not end on an assistant turn, so there is nothing to learn. */
    NO_FINAL_ASSISTANT,
    /** A preference pair whose chosen and rejected answers are the same: nothing to prefer. */
    IDENTICAL_ANSWERS,
    /** The example has more tokens than the maximum. */
    TOO_LONG
}
