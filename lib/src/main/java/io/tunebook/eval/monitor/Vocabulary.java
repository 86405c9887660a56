package io.tunebook.eval.monitor;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of a reference corpus (the training prompts), to measure how much of a new prompt lies outside
 * it: the out-of-vocabulary rate, a cheap drift signal that needs no model. A word is a run of letters or
 * digits, lower-cased; "l'article" is the two words "l" and "article".
 */
public final class Vocabulary {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private final Set<String> words;

    private Vocabulary(Set<String> words) {
        this.words = Set.copyOf(words);
    }

    public static Vocabulary of(List<String> texts) {
        Set<String> w = new HashSet<>();
        texts.forEach(t -> w.addAll(words(t)));
        return new Vocabulary(w);
    }

    /** The words of {@code text}, in order, repeats kept. */
    public static List<String> words(String text) {
        Matcher m = WORD.matcher(text);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    public int size() {
        return words.size();
    }

    public boolean contains(String word) {
        return words.contains(word.toLowerCase(Locale.ROOT));
    }

    /** The share of the text's words (repeats counted) not in this vocabulary; 0 for a text with no word. */
    public double oovRate(String text) {
        List<String> w = words(text);
        return w.isEmpty() ? 0 : (double) w.stream().filter(x -> !words.contains(x)).count() / w.size();
    }
}
