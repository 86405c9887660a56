package io.tunebook.eval;

import java.util.List;
import java.util.regex.Pattern;

/** How BLEU splits a segment into words, named as sacrebleu's {@code tokenize} option. */
public enum BleuTokenizer {
    /**
     * {@code 13a}, sacrebleu's default: the tokenization of WMT's {@code mteval-v13a.pl}. Punctuation
     * and symbols of ASCII become tokens; a period or comma stays inside a number ({@code 3.5},
     * {@code 1,000}); a dash is split off only after a digit. Apostrophes, hyphens between letters
     * and non-ASCII characters stay inside words: {@code l'été}, {@code CMD-80263}, {@code »…}.
     */
    THIRTEEN_A("13a") {
        @Override
        String normalize(String line) {
            line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
            if (line.indexOf('&') >= 0) {
                line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
            }
            line = " " + line + " ";
            line = SYMBOLS.matcher(line).replaceAll(" $1 ");
            line = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(line).replaceAll("$1 $2 ");
            line = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(line).replaceAll(" $1 $2");
            return DASH_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
        }
    },
    /** {@code none}: the segment is already tokenized; only whitespace separates words. */
    NONE("none") {
        @Override
        String normalize(String line) {
            return line;
        }
    };

    // The ASCII ranges of mteval-v13a: { | } ~, [ \ ] ^ _ `, space to &, ( ) * +, : ; < = > ? @, and /.
    private static final Pattern SYMBOLS = Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    private final String signature;

    BleuTokenizer(String signature) {
        this.signature = signature;
    }

    /** The name sacrebleu writes in its signature ({@code tok:13a}). */
    public String signature() {
        return signature;
    }

    /** The words of {@code line}, as sacrebleu counts them. */
    public List<String> tokenize(String line) {
        return PyText.split(normalize(line));
    }

    abstract String normalize(String line);
}
