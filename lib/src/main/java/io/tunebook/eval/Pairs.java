package io.tunebook.eval;

import java.util.List;

/** Argument checks shared by the metrics that score outputs against references one to one. */
final class Pairs {
    private Pairs() {
    }

    /** Fails unless both lists have the same, non-zero, size; names them as the caller does. */
    static void requireSameSize(List<?> outputs, String outputsName, List<?> references, String referencesName) {
        if (outputs.size() != references.size() || outputs.isEmpty()) {
            throw new IllegalArgumentException("need as many " + outputsName + " as " + referencesName
                    + ", and at least one; got " + outputs.size() + " and " + references.size());
        }
    }
}
