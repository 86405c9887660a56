package io.tunebook.data.jinja;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * The Python {@code str} methods chat templates call ({@code content.strip()},
 * {@code role.startswith('tool')}, {@code text.split('\n')}, ...) and indexing a string by
 * position ({@code role[0]}, {@code text[-1]}). Jinjava would otherwise look for Java methods of
 * these names and fail. Anything else falls through to Jinjava's own resolvers.
 */
final class PyStrings extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
        if (!(base instanceof String s) || method == null) {
            return null;
        }
        Object[] p = params == null ? new Object[0] : params;
        Object result = call(s, method.toString(), p);
        if (result != NO_SUCH_METHOD) {
            context.setPropertyResolved(true);
            return result;
        }
        return null;
    }

    private static final Object NO_SUCH_METHOD = new Object();

    private static Object call(String s, String name, Object[] p) {
        switch (name) {
            case "strip":
                return strip(s, chars(p), true, true);
            case "lstrip":
                return strip(s, chars(p), true, false);
            case "rstrip":
                return strip(s, chars(p), false, true);
            case "startswith":
                return affix(s, p, true);
            case "endswith":
                return affix(s, p, false);
            case "split":
                return split(s, p.length > 0 ? p[0] : null, p.length > 1 ? ((Number) p[1]).intValue() : -1);
            case "lower":
                return s.toLowerCase(Locale.ROOT);
            case "upper":
                return s.toUpperCase(Locale.ROOT);
            case "title":
                return title(s);
            case "capitalize":
                return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace":
                return replace(s, String.valueOf(p[0]), String.valueOf(p[1]), p.length > 2 ? ((Number) p[2]).intValue() : -1);
            case "find":
                return (long) s.indexOf(String.valueOf(p[0]));
            case "count":
                return count(s, String.valueOf(p[0]));
            case "join":
                return join(s, p[0]);
            case "isspace":
                return !s.isEmpty() && s.chars().allMatch(PyStrings::isSpace);
            case "isdigit":
                return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            default:
                return NO_SUCH_METHOD;
        }
    }

    /** {@code text[i]}; Jinjava hands the index over as its string form. */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (!(base instanceof String s) || property == null) {
            return null;
        }
        long i;
        try {
            i = property instanceof Number n ? n.longValue() : Long.parseLong(property.toString());
        } catch (NumberFormatException e) {
            return null;
        }
        long at = i < 0 ? s.length() + i : i;
        context.setPropertyResolved(true);
        return at >= 0 && at < s.length() ? String.valueOf(s.charAt((int) at)) : null;
    }

    /** Python's {@code str.isspace} for one character: Java whitespace plus the Unicode space separators. */
    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    private static String chars(Object[] p) {
        return p.length == 0 || p[0] == null ? null : p[0].toString();
    }

    /** {@code str.strip(chars)}; {@code chars == null} strips whitespace as {@link #isSpace} defines it. */
    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && strippable(s.charAt(start), chars)) {
            start++;
        }
        while (right && end > start && strippable(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean strippable(char c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    /** {@code startswith}/{@code endswith} with a string or a tuple (list) of candidates. */
    private static boolean affix(String s, Object[] p, boolean start) {
        Iterable<?> candidates = p[0] instanceof Iterable<?> list ? list : List.of(p[0]);
        for (Object c : candidates) {
            String a = String.valueOf(c);
            if (start ? s.startsWith(a) : s.endsWith(a)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> split(String s, Object sep, int maxSplit) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isSpace(s.charAt(i))) {
                    i++;
                }
                if (i == n) {
                    return out;
                }
                if (maxSplit >= 0 && out.size() == maxSplit) {
                    out.add(s.substring(i));
                    return out;
                }
                int j = i;
                while (j < n && !isSpace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        String d = sep.toString();
        if (d.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int from = 0;
        int at;
        while ((maxSplit < 0 || out.size() < maxSplit) && (at = s.indexOf(d, from)) >= 0) {
            out.add(s.substring(from, at));
            from = at + d.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return b.toString();
    }

    private static String replace(String s, String old, String with, int count) {
        if (count < 0) {
            return s.replace(old, with);
        }
        StringBuilder b = new StringBuilder();
        int from = 0;
        for (int n = 0; n < count; n++) {
            int at = s.indexOf(old, from);
            if (at < 0) {
                break;
            }
            b.append(s, from, at).append(with);
            from = at + old.length();
        }
        return b.append(s.substring(from)).toString();
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1L;
        }
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String separator, Object items) {
        List<String> parts = new ArrayList<>();
        if (items instanceof Iterable<?> list) {
            list.forEach(o -> parts.add(String.valueOf(o)));
        } else {
            parts.add(String.valueOf(items));
        }
        return String.join(separator, parts);
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // Strings are immutable: leave assignment to the other resolvers, which refuse it.
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
