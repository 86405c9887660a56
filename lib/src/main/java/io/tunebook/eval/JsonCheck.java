package io.tunebook.eval;

import java.util.List;

/**
 * How one generated JSON output compares with its reference.
 *
 * @param valid the output parses as strict JSON (RFC 8259: no NaN, comments or trailing text)
 * @param parseError why it does not parse; empty when it does
 * @param schemaErrors violations of the schema, each naming its field; empty when it conforms
 * @param exactMatch the parsed output equals the parsed reference (key order, spacing and
 *     {@code 1} versus {@code 1.0} do not matter)
 * @param matchedFields top-level fields of the reference whose value the output reproduces
 */
public record JsonCheck(boolean valid, String parseError, List<String> schemaErrors, boolean exactMatch,
        List<String> matchedFields) {

    public JsonCheck {
        schemaErrors = List.copyOf(schemaErrors);
        matchedFields = List.copyOf(matchedFields);
    }

    /** Parses and conforms to the schema. */
    public boolean schemaValid() {
        return valid && schemaErrors.isEmpty();
    }
}
