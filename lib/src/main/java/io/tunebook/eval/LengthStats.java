package io.tunebook.eval;

import io.tunebook.data.Distribution;
import io.tunebook.data.TokenCounter;
import java.util.List;

/**
 * Lengths of a list of texts (model outputs or references) in characters (code points), words
 * (whitespace-separated) and tokens, to spot answers that are too short, too long or empty.
 *
 * @param empty texts with no word at all (empty or blank)
 */
public record LengthStats(Distribution characters, Distribution words, Distribution tokens, long empty) {

    /** @param tokens counts tokens, e.g. {@code t -> tokenizer.encode(t, false).length} */
    public static LengthStats of(List<String> texts, TokenCounter tokens) {
        long[] chars = new long[texts.size()];
        long[] words = new long[texts.size()];
        long[] toks = new long[texts.size()];
        long empty = 0;
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            chars[i] = t.codePointCount(0, t.length());
            words[i] = PyText.split(t).size();
            toks[i] = tokens.count(t);
            empty += words[i] == 0 ? 1 : 0;
        }
        return new LengthStats(Distribution.of(chars), Distribution.of(words), Distribution.of(toks), empty);
    }

    /** Mean token length of these texts over that of {@code reference} (1 when they agree on average). */
    public double tokenRatioTo(LengthStats reference) {
        return reference.tokens.mean() == 0 ? 0 : tokens.mean() / reference.tokens.mean();
    }
}
