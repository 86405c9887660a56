package io.tunebook.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds e-mail addresses and phone numbers in text. Phone detection is a heuristic tuned for
 * international ({@code +33 6 12 34 56 78}, {@code +1-555-123-4567}), French
 * ({@code 06 12 34 56 78}) and North American ({@code (555) 123-4567}) writing: 9 to 15 digits
 * in at least three groups, or after a {@code +}; dates, IPv4 addresses, decimals and numbers
 * grouped by thousands are not matches.
 */
final class PiiDetector {
    private static final Pattern EMAIL = Pattern.compile(
            "(?<![\\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}(?![\\w-])");
    private static final Pattern PHONE_CANDIDATE = Pattern.compile("(?<![\\w.+-])\\+?\\(?\\d[\\d .()-]{6,}\\d(?![\\w])");
    private static final Pattern SEPARATORS = Pattern.compile("[ .()-]+");
    private static final Pattern THOUSANDS = Pattern.compile("\\d{1,3}([ .])\\d{3}(\\1\\d{3})*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DATE = Pattern.compile("\\d{4}[./-]\\d{1,2}[./-]\\d{1,2}|\\d{1,2}[./-]\\d{1,2}[./-]\\d{4}");

    private PiiDetector() {
    }

    /** The matches of {@code kind} in {@code text}, in order. */
    static List<String> find(PiiKind kind, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = (kind == PiiKind.EMAIL ? EMAIL : PHONE_CANDIDATE).matcher(text);
        while (m.find()) {
            if (kind == PiiKind.EMAIL || isPhone(m.group())) {
                out.add(m.group());
            }
        }
        return out;
    }

    /** {@code text} with every match of {@code kind} replaced by {@code [EMAIL]} or {@code [PHONE]}. */
    static String redact(PiiKind kind, String text) {
        if (kind == PiiKind.EMAIL) {
            return EMAIL.matcher(text).replaceAll("[EMAIL]");
        }
        Matcher m = PHONE_CANDIDATE.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, isPhone(m.group()) ? "[PHONE]" : Matcher.quoteReplacement(m.group()));
        }
        m.appendTail(b);
        return b.toString();
    }

    static boolean isPhone(String candidate) {
        String s = candidate.trim();
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                digits++;
            }
        }
        if (digits < 9 || digits > 15) {
            return false;
        }
        if (THOUSANDS.matcher(s).matches() || IPV4.matcher(s).matches() || DATE.matcher(s).find()) {
            return false;
        }
        if (s.matches(".*\\d {2,}\\d.*") || s.contains("--") || s.contains("..")) {
            return false;
        }
        String[] groups = SEPARATORS.split(s.startsWith("+") ? s.substring(1) : s);
        int nonEmpty = 0;
        int single = 0;
        for (String g : groups) {
            if (!g.isEmpty()) {
                nonEmpty++;
                if (g.length() == 1) {
                    single++;
                }
            }
        }
        if (single > 2) {
            return false;
        }
        if (s.startsWith("+")) {
            return true;
        }
        if (nonEmpty == 1) {
            return digits == 10 && s.startsWith("0");
        }
        return nonEmpty >= 3;
    }
}
