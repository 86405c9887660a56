package io.tunebook.eval;

import java.util.Locale;
import java.util.Map;

/**
 * The Porter (1980) suffix-stripping stemmer for English, in the variant of NLTK's
 * {@code PorterStemmer()} default mode ({@code NLTK_EXTENSIONS}), which Google's rouge-score uses:
 * Martin Porter's later corrections plus NLTK's (irregular forms such as {@code dying -> die},
 * {@code ies}/{@code ied} on four-letter words, {@code y -> i} only after a consonant, the
 * {@code alli}, {@code fulli} and {@code logi} rules, and words of one or two letters left alone).
 * Stateless and thread-safe.
 */
public final class PorterStemmer {
    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"), Map.entry("dying", "die"),
            Map.entry("lying", "lie"), Map.entry("tying", "tie"), Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"), Map.entry("outings", "outing"),
            Map.entry("outing", "outing"), Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"), Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"),
            Map.entry("succeed", "succeed"));

    private static final String[][] STEP2 = {
        {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"},
        {"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"}, {"ization", "ize"},
        {"ation", "ate"}, {"ator", "ate"}, {"alism", "al"}, {"iveness", "ive"}, {"fulness", "ful"},
        {"ousness", "ous"}, {"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"}, {"fulli", "ful"},
    };
    private static final String[][] STEP3 = {
        {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"}, {"ical", "ic"}, {"ful", ""}, {"ness", ""},
    };
    private static final String[] STEP4 = {
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate",
        "iti", "ous", "ive", "ize",
    };

    /** The stem of {@code word}, lowercased first (as NLTK's {@code stem(word)}). */
    public String stem(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        String irregular = IRREGULAR.get(word);
        if (irregular != null) {
            return irregular;
        }
        if (word.length() <= 2) {
            return w;
        }
        w = step1a(w);
        w = step1b(w);
        w = step1c(w);
        w = step2(w);
        w = step3(w);
        w = step4(w);
        w = step5a(w);
        return step5b(w);
    }

    private static boolean isConsonant(String w, int i) {
        char c = w.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
            return false;
        }
        if (c == 'y') {
            return i == 0 || !isConsonant(w, i - 1);
        }
        return true;
    }

    /** Porter's m: the number of vowel-consonant transitions in {@code [C](VC){m}[V]}. */
    private static int measure(String stem) {
        int m = 0;
        for (int i = 1; i < stem.length(); i++) {
            if (!isConsonant(stem, i - 1) && isConsonant(stem, i)) {
                m++;
            }
        }
        return m;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) {
            if (!isConsonant(stem, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
    }

    /** Porter's *o, plus NLTK's two-letter vowel-consonant stems. */
    private static boolean endsCvc(String w) {
        int n = w.length();
        if (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)) {
            char last = w.charAt(n - 1);
            return last != 'w' && last != 'x' && last != 'y';
        }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1);
    }

    private static String cut(String w, String suffix) {
        return w.substring(0, w.length() - suffix.length());
    }

    private static String step1a(String w) {
        if (w.endsWith("ies") && w.length() == 4) {
            return cut(w, "ies") + "ie";
        }
        if (w.endsWith("sses")) {
            return cut(w, "sses") + "ss";
        }
        if (w.endsWith("ies")) {
            return cut(w, "ies") + "i";
        }
        if (w.endsWith("ss")) {
            return w;
        }
        return w.endsWith("s") ? cut(w, "s") : w;
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) {
            return cut(w, "ied") + (w.length() == 4 ? "ie" : "i");
        }
        if (w.endsWith("eed")) {
            String stem = cut(w, "eed");
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String stem = null;
        for (String suffix : new String[] {"ed", "ing"}) {
            if (w.endsWith(suffix) && containsVowel(cut(w, suffix))) {
                stem = cut(w, suffix);
                break;
            }
        }
        if (stem == null) {
            return w;
        }
        if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) {
            return stem + "e";
        }
        if (endsDoubleConsonant(stem)) {
            char last = stem.charAt(stem.length() - 1);
            return last == 'l' || last == 's' || last == 'z' ? stem : stem.substring(0, stem.length() - 1);
        }
        return measure(stem) == 1 && endsCvc(stem) ? stem + "e" : stem;
    }

    private static String step1c(String w) {
        if (w.endsWith("y")) {
            String stem = cut(w, "y");
            return stem.length() > 1 && isConsonant(stem, stem.length() - 1) ? stem + "i" : w;
        }
        return w;
    }

    private static String step2(String w) {
        // NLTK applies alli -> al first and runs step 2 again on the result.
        if (w.endsWith("alli") && measure(cut(w, "alli")) > 0) {
            return step2(cut(w, "alli") + "al");
        }
        for (String[] rule : STEP2) {
            if (w.endsWith(rule[0])) {
                return measure(cut(w, rule[0])) > 0 ? cut(w, rule[0]) + rule[1] : w;
            }
        }
        // The 'l' of logi stays with the stem, so that short stems (geo-, theo-) qualify.
        if (w.endsWith("logi")) {
            return measure(w.substring(0, w.length() - 3)) > 0 ? cut(w, "logi") + "log" : w;
        }
        return w;
    }

    private static String step3(String w) {
        for (String[] rule : STEP3) {
            if (w.endsWith(rule[0])) {
                return measure(cut(w, rule[0])) > 0 ? cut(w, rule[0]) + rule[1] : w;
            }
        }
        return w;
    }

    private static String step4(String w) {
        for (String suffix : STEP4) {
            if (w.endsWith(suffix)) {
                String stem = cut(w, suffix);
                boolean ok = measure(stem) > 1;
                if (suffix.equals("ion")) {
                    ok &= stem.endsWith("s") || stem.endsWith("t");
                }
                return ok ? stem : w;
            }
        }
        return w;
    }

    private static String step5a(String w) {
        if (w.endsWith("e")) {
            String stem = cut(w, "e");
            int m = measure(stem);
            if (m > 1 || (m == 1 && !endsCvc(stem))) {
                return stem;
            }
        }
        return w;
    }

    private static String step5b(String w) {
        if (w.endsWith("ll") && measure(w.substring(0, w.length() - 1)) > 1) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }
}
