package io.tunebook.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** How ROUGE splits a text into words. */
public enum RougeTokenizer {
    /**
     * rouge-score's default tokenizer, for scores comparable with it: lowercase, then every character
     * outside {@code [a-z0-9]} separates words. Accented letters are separators too, so French
     * {@code été} gives the single token {@code t}: use {@link #UNICODE} for French text when
     * comparability with published English scores does not matter.
     */
    ASCII(Pattern.compile("[^a-z0-9]+")),
    /** As {@link #ASCII}, but letters and digits of every script are word characters ({@code été} stays whole). */
    UNICODE(Pattern.compile("[^\\p{L}\\p{M}\\p{N}]+"));

    private final Pattern separator;

    RougeTokenizer(Pattern separator) {
        this.separator = separator;
    }

    /** The words of {@code text}; with a stemmer, words longer than 3 characters are stemmed (as rouge-score). */
    public List<String> tokenize(String text, PorterStemmer stemmer) {
        List<String> out = new ArrayList<>();
        for (String token : separator.split(text.toLowerCase(Locale.ROOT))) {
            if (token.isEmpty()) {
                continue;
            }
            out.add(stemmer != null && token.codePointCount(0, token.length()) > 3 ? stemmer.stem(token) : token);
        }
        return out;
    }
}
