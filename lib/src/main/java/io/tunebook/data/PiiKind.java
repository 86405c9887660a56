package io.tunebook.data;

/** Personal data {@link Cleaner} can look for. */
public enum PiiKind {
    EMAIL,
    PHONE_NUMBER
}
