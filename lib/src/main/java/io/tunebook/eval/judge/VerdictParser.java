package io.tunebook.eval.judge;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads verdicts and ratings out of a judge's free text. The asked-for format ({@code [[A]]},
 * {@code [[7]]}) wins; chatty judges that quote the format before answering are read by taking the
 * last occurrence; then common looser phrasings ("Final verdict: B", "Rating: 7/10", markdown
 * bold). What cannot be read yields an empty result, never a guess.
 */
public final class VerdictParser {
    private static final String TIE_WORDS = "C|tie|égalité|egalite";
    private static final Pattern BRACKETED = Pattern.compile(
            "\\[\\[\\s*(A|B|" + TIE_WORDS + ")\\s*]]", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern STATED = Pattern.compile(
            "verdict(?:\\s+final)?\\s*(?:is|est)?\\s*[:：]?\\s*(?:assistant\\s+)?[\"'«\\[]?\\s*\\b(A|B|"
                    + TIE_WORDS + ")\\b", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern ALONE = Pattern.compile("^\\s*\\[?\\s*(A|B|C)\\s*]?\\s*\\.?\\s*$");
    private static final String NUMBER = "(\\d+(?:[.,]\\d+)?)";
    private static final Pattern BRACKETED_RATING = Pattern.compile("\\[\\[\\s*" + NUMBER + "\\s*(?:/\\s*10\\s*)?]]");
    private static final Pattern STATED_RATING = Pattern.compile(
            "(?:rating|note|score)\\s*[:：=]?\\s*\\[?\\s*" + NUMBER, Pattern.CASE_INSENSITIVE);
    private static final Pattern OUT_OF_TEN = Pattern.compile(NUMBER + "\\s*/\\s*10\\b");

    private VerdictParser() {
    }

    /** The pairwise verdict of {@code answer}; empty when it states none. */
    public static Optional<Verdict> pairwise(String answer) {
        String text = plain(answer);
        for (Pattern p : new Pattern[] {BRACKETED, STATED, ALONE}) {
            String last = last(p.matcher(text));
            if (last != null) {
                String v = last.toUpperCase(Locale.ROOT);
                return Optional.of(v.equals("A") ? Verdict.A : v.equals("B") ? Verdict.B : Verdict.TIE);
            }
        }
        return Optional.empty();
    }

    /** The 1 to 10 rating of {@code answer}; empty when it states none or one out of range. */
    public static Optional<Double> rating(String answer) {
        String text = plain(answer);
        for (Pattern p : new Pattern[] {BRACKETED_RATING, STATED_RATING, OUT_OF_TEN}) {
            String last = last(p.matcher(text));
            if (last != null) {
                double r = Double.parseDouble(last.replace(',', '.'));
                return r >= 1 && r <= 10 ? Optional.of(r) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Markdown emphasis and code marks removed: {@code **[[A]]**}, {@code `[[B]]`}. */
    private static String plain(String answer) {
        return answer == null ? "" : answer.replace("*", "").replace("`", "").replace("_", " ");
    }

    private static String last(Matcher m) {
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }
}
