package io.tunebook.plan;

/**
 * One criterion of the decision and where the seed articles state it.
 *
 * @param criterion the criterion, in English
 * @param quote the seed's words, verbatim (" / " joins consecutive lines)
 * @param source seed file and line, e.g. {@code seed 001, line 11}
 */
public record Reason(String criterion, String quote, String source) {
}
