package io.tunebook.eval.judge;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One judge prompt: a system message and a user message with {@code {placeholders}}. Plain strings,
 * to read and edit.
 */
public record Template(String system, String user) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    public Template {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(user, "user");
    }

    /** The placeholders the user message uses. */
    public Set<String> placeholders() {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(user);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * The user message with each placeholder replaced, in one pass so that an answer that itself
     * contains {@code {answer_b}} is left as written.
     */
    public String render(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(user);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            m.appendReplacement(b, Matcher.quoteReplacement(v != null ? v : m.group()));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** @throws IllegalArgumentException naming the template and the first placeholder it lacks */
    void require(String name, String... placeholders) {
        Set<String> has = placeholders();
        for (String p : placeholders) {
            if (!has.contains(p)) {
                throw new IllegalArgumentException("the " + name + " template must contain {" + p + "}; it has "
                        + has);
            }
        }
    }
}
