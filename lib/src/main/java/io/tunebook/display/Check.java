package io.tunebook.display;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The check cell of a notebook exercise: says whether the answer of the "your turn" cell above is
 * right, shown as a coloured box with a hint, and never throws. An empty answer (null, a blank
 * string, an empty collection, NaN) or one of the wrong type says what was expected instead, and
 * with {@link #fallback} the cells below go on with a provided value, which the box names.
 *
 * <pre>{@code
 * Integer rank = null; // your turn: ...
 * Check<Integer> check = Check.that("r", rank).isBetween(4, 16).hint("r·(in+out) per layer ...").fallback(8);
 * rank = check.value(); // the answer, or the fallback (8) when the cell was left blank
 * }</pre>
 * and {@code check} as the cell's last line shows the box.
 *
 * <p>Conditions are checked in order; the first that fails decides the verdict. The box's HTML
 * carries {@code data-check="right|wrong|no-answer|wrong-type"}, which the notebook tests read.
 *
 * @param <T> the answer's type
 */
public final class Check<T> implements Displayable {
    /** The verdict; a check with no condition is {@link #RIGHT} once answered. */
    public enum Status {
        RIGHT("right", "#e6f4ea", "#1e7b34", "\u2714 Right"),
        WRONG("wrong", "#fdecea", "#b3261e", "\u2718 Not yet"),
        NO_ANSWER("no-answer", "#fff4e5", "#8a5300", "\u2026 No answer yet"),
        WRONG_TYPE("wrong-type", "#fff4e5", "#8a5300", "? Not the expected kind of answer");

        private final String attribute;
        private final String background;
        private final String colour;
        private final String label;

        Status(String attribute, String background, String colour, String label) {
            this.attribute = attribute;
            this.background = background;
            this.colour = colour;
            this.label = label;
        }

        /** The value of the box's {@code data-check} attribute. */
        public String attribute() {
            return attribute;
        }
    }

    private final String name;
    private final T answer;
    private final List<String> expectations = new ArrayList<>();
    private Status status;
    private String detail;
    private String hint;
    private T fallback;
    private boolean hasFallback;

    private Check(String name, T answer) {
        this.name = name;
        this.answer = answer;
        this.status = empty(answer) ? Status.NO_ANSWER : Status.RIGHT;
    }

    /** Checks {@code answer}, called "your answer" in the box. */
    public static <T> Check<T> that(T answer) {
        return that("your answer", answer);
    }

    /** Checks {@code answer}, named {@code name} in the box (the variable the exercise asks for). */
    public static <T> Check<T> that(String name, T answer) {
        return new Check<>(Objects.requireNonNull(name, "name"), answer);
    }

    private static boolean empty(Object v) {
        return v == null || v instanceof CharSequence s && s.toString().isBlank()
                || v instanceof Collection<?> c && c.isEmpty() || v instanceof Map<?, ?> m && m.isEmpty()
                || v instanceof Double d && d.isNaN() || v instanceof Float f && f.isNaN()
                || v.getClass().isArray() && java.lang.reflect.Array.getLength(v) == 0;
    }

    /** A number in [{@code low}, {@code high}]. */
    public Check<T> isBetween(double low, double high) {
        String what = "a number between " + number(low) + " and " + number(high);
        return number(what, x -> x >= low && x <= high);
    }

    /** A number within {@code tolerance} of {@code expected}. */
    public Check<T> isCloseTo(double expected, double tolerance) {
        String what = "a number within " + number(tolerance) + " of the right value";
        return number(what, x -> Math.abs(x - expected) <= tolerance);
    }

    /**
     * Equal to {@code expected}: numbers by value (an int answer equals 8.0), strings ignoring case and surrounding
     * blanks, collections element by element in order, anything else by {@code equals}.
     */
    public Check<T> isEqualTo(Object expected) {
        return satisfies(kind(expected), typeOf(expected), a -> same(a, expected));
    }

    /** One of {@code options}, compared as {@link #isEqualTo} does. */
    public Check<T> isOneOf(Object... options) {
        if (options.length == 0) {
            return satisfies("one of no options (the exercise offers none)", Object.class, a -> false);
        }
        Object first = options[0];
        return satisfies(kind(first), typeOf(first), a -> Arrays.stream(options).anyMatch(o -> same(a, o)));
    }

    /** The same elements as {@code expected}, in any order (strings ignoring case and blanks). */
    public Check<T> hasSameElementsAs(Collection<?> expected) {
        return satisfies("a list", Collection.class, a -> {
            List<Object> left = new ArrayList<>((Collection<?>) a);
            if (left.size() != expected.size()) {
                return false;
            }
            for (Object e : expected) {
                Object match = left.stream().filter(x -> same(x, e)).findFirst().orElse(null);
                if (match == null) {
                    return false;
                }
                left.remove(match);
            }
            return true;
        });
    }

    /**
     * Any condition: {@code kind} names the expected kind of answer ("a list of module names") and
     * {@code type} its Java type; the test runs only on an answer of that type.
     */
    public Check<T> satisfies(String kind, Class<?> type, Predicate<Object> test) {
        expectations.add(kind);
        if (status != Status.RIGHT) {
            return this;
        }
        if (!type.isInstance(answer) && !(Number.class.isAssignableFrom(type) && answer instanceof Number)) {
            status = Status.WRONG_TYPE;
            detail = "expected " + kind + ", got " + describe(answer);
            return this;
        }
        boolean ok;
        try {
            ok = test.test(answer);
        } catch (RuntimeException e) {
            ok = false; // a test that cannot read the answer: the answer is not right, and the cell must not fail
        }
        if (!ok) {
            status = Status.WRONG;
            detail = name + " = " + shown(answer) + " is not right yet";
        }
        return this;
    }

    private Check<T> number(String what, java.util.function.DoublePredicate test) {
        return satisfies(what, Number.class, a -> test.test(((Number) a).doubleValue()));
    }

    /** Shown under a wrong answer: what to think about, not the answer. */
    public Check<T> hint(String text) {
        hint = text;
        return this;
    }

    /** The value the cells below use when the answer is missing, of the wrong type, or wrong. */
    public Check<T> fallback(T value) {
        fallback = value;
        hasFallback = true;
        return this;
    }

    /** The answer when it is right; otherwise the fallback (or the answer, without one). */
    public T value() {
        return status == Status.RIGHT || !hasFallback ? answer : fallback;
    }

    public Status status() {
        return status;
    }

    public boolean passed() {
        return status == Status.RIGHT;
    }

    /** One line: the verdict and why. */
    public String message() {
        String m = switch (status) {
            case RIGHT -> name + " = " + shown(answer);
            case NO_ANSWER -> "give " + name + " in the cell above: expected " + expected();
            case WRONG_TYPE, WRONG -> detail;
        };
        if (status != Status.RIGHT && hasFallback) {
            m += "; the cells below use " + shown(fallback) + " (the provided value)";
        }
        return status.label + ": " + m;
    }

    private String expected() {
        return expectations.isEmpty() ? "an answer" : String.join(", and ", expectations);
    }

    @Override
    public MimeBundle mimeBundle() {
        String hintLine = hint != null && status != Status.RIGHT ? "Hint: " + hint : null;
        String text = message() + (hintLine == null ? "" : "\n" + hintLine);
        StringBuilder html = new StringBuilder("<div class=\"tunebook-check\" data-check=\"").append(status.attribute)
                .append("\" style=\"font-family:system-ui,sans-serif;font-size:13px;border-left:4px solid ")
                .append(status.colour).append(";background:").append(status.background).append(";color:")
                .append(status.colour).append(";padding:6px 10px;margin:4px 0\"><b>")
                .append(Tables.escape(status.label)).append("</b>: ")
                .append(Tables.escape(message().substring(status.label.length() + 2)));
        if (hintLine != null) {
            html.append("<div style=\"color:#333;margin-top:3px\">").append(Tables.escape(hintLine)).append("</div>");
        }
        return MimeBundle.text(text).withHtml(html.append("</div>").toString());
    }

    @Override
    public String toString() {
        return mimeBundle().text();
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        if (a instanceof CharSequence x && b instanceof CharSequence y) {
            return x.toString().strip().equalsIgnoreCase(y.toString().strip());
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    private static Class<?> typeOf(Object expected) {
        for (Class<?> c : List.of(Number.class, CharSequence.class, List.class, Collection.class)) {
            if (c.isInstance(expected)) {
                return c;
            }
        }
        return expected.getClass();
    }

    private static String kind(Object expected) {
        if (expected instanceof Number) {
            return "a number";
        }
        if (expected instanceof CharSequence) {
            return "a text";
        }
        if (expected instanceof Collection<?>) {
            return "a list";
        }
        if (expected instanceof Boolean) {
            return "true or false";
        }
        return "a " + expected.getClass().getSimpleName();
    }

    private static String describe(Object v) {
        return v instanceof CharSequence s ? "the text \"" + s + "\"" : "a " + v.getClass().getSimpleName() + " ("
                + shown(v) + ")";
    }

    private static String shown(Object v) {
        if (v instanceof Double || v instanceof Float) {
            return number(((Number) v).doubleValue());
        }
        return v instanceof CharSequence s ? "\"" + s + "\"" : String.valueOf(v);
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.4g", v);
    }
}
