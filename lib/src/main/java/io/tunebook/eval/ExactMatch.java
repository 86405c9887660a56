package io.tunebook.eval;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Exact match after normalisation, as Hugging Face evaluate's {@code exact_match} (with
 * {@code ignore_case}, {@code ignore_punctuation}) plus whitespace and accent folding.
 *
 * @param collapseWhitespace trim and turn every run of whitespace into one space (generated text
 *     often ends with a newline); on by default
 * @param ignoreCase compare lowercased text
 * @param ignorePunctuation drop Unicode punctuation ({@code \p{P}}: . , ; ! ? « » ' - ...)
 * @param stripAccents compare without diacritics ({@code é} as {@code e})
 */
public record ExactMatch(boolean collapseWhitespace, boolean ignoreCase, boolean ignorePunctuation,
        boolean stripAccents) {
    private static final Pattern PUNCTUATION = Pattern.compile("\\p{P}");
    private static final Pattern MARKS = Pattern.compile("\\p{M}");

    public static Builder builder() {
        return new Builder();
    }

    /** The text as it is compared. */
    public String normalize(String text) {
        String s = text;
        if (stripAccents) {
            s = MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD)).replaceAll("");
            s = Normalizer.normalize(s, Normalizer.Form.NFC);
        }
        if (ignoreCase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        if (ignorePunctuation) {
            s = PUNCTUATION.matcher(s).replaceAll("");
        }
        return collapseWhitespace ? String.join(" ", PyText.split(s)) : s;
    }

    public boolean matches(String prediction, String reference) {
        return normalize(prediction).equals(normalize(reference));
    }

    /** Fraction of predictions that match their reference, in [0, 1]. */
    public double rate(List<String> predictions, List<String> references) {
        Pairs.requireSameSize(predictions, "predictions", references, "references");
        int hits = 0;
        for (int i = 0; i < predictions.size(); i++) {
            hits += matches(predictions.get(i), references.get(i)) ? 1 : 0;
        }
        return (double) hits / predictions.size();
    }

    /** Defaults: whitespace collapsed; case, punctuation and accents significant. */
    public static final class Builder {
        private boolean collapseWhitespace = true;
        private boolean ignoreCase;
        private boolean ignorePunctuation;
        private boolean stripAccents;

        private Builder() {
        }

        public Builder collapseWhitespace(boolean value) {
            this.collapseWhitespace = value;
            return this;
        }

        public Builder ignoreCase(boolean value) {
            this.ignoreCase = value;
            return this;
        }

        public Builder ignorePunctuation(boolean value) {
            this.ignorePunctuation = value;
            return this;
        }

        public Builder stripAccents(boolean value) {
            this.stripAccents = value;
            return this;
        }

        public ExactMatch build() {
            return new ExactMatch(collapseWhitespace, ignoreCase, ignorePunctuation, stripAccents);
        }
    }
}
