package io.tunebook.data;

/** The cleaned dataset and the report of what cleaning changed, removed and flagged. */
public record CleaningResult(Dataset dataset, CleaningReport report) {
}
