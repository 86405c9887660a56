package io.tunebook.data;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a dataset holds: examples by format, preference pairs, system prompts, messages and user
 * turns per conversation, messages and characters by role, characters per example and, given a
 * {@link TokenCounter}, tokens per example.
 *
 * @param tokens tokens per example; {@code null} when no counter was given
 */
public record DatasetStats(long examples, Map<DatasetFormat, Long> formats, long preferencePairs,
        long withSystemPrompt, Distribution messages, Distribution userTurns, Map<Role, Long> messagesByRole,
        Map<Role, Long> charactersByRole, Distribution characters, Distribution tokens) {

    public DatasetStats {
        formats = copy(formats, DatasetFormat.class);
        messagesByRole = copy(messagesByRole, Role.class);
        charactersByRole = copy(charactersByRole, Role.class);
    }

    private static <K extends Enum<K>> Map<K, Long> copy(Map<K, Long> map, Class<K> type) {
        EnumMap<K, Long> out = new EnumMap<>(type);
        out.putAll(map);
        return Collections.unmodifiableMap(out);
    }

    public static DatasetStats of(Dataset dataset) {
        return of(dataset, null);
    }

    public static DatasetStats of(Dataset dataset, TokenCounter counter) {
        Accumulator a = accumulator(counter);
        dataset.forEach(a);
        return a.result();
    }

    /**
     * Statistics gathered while examples stream by, e.g. from {@link DatasetLoader#forEach}, so
     * that a file too large for memory can be described: it keeps four numbers per example.
     *
     * @param counter counts tokens per example; {@code null} for no token statistics
     */
    public static Accumulator accumulator(TokenCounter counter) {
        return new Accumulator(counter);
    }

    /** Gathers {@link DatasetStats} one example at a time; {@link #result()} gives them so far. */
    public static final class Accumulator implements Consumer<Example> {
        private final TokenCounter counter;
        private final Map<DatasetFormat, Long> formats = new EnumMap<>(DatasetFormat.class);
        private final Map<Role, Long> byRole = new EnumMap<>(Role.class);
        private final Map<Role, Long> charsByRole = new EnumMap<>(Role.class);
        private long[] messages = new long[64];
        private long[] users = new long[64];
        private long[] chars = new long[64];
        private long[] tokens = new long[64];
        private int n;
        private long pairs;
        private long system;

        private Accumulator(TokenCounter counter) {
            this.counter = counter;
            for (Role r : Role.values()) {
                byRole.put(r, 0L);
                charsByRole.put(r, 0L);
            }
        }

        @Override
        public void accept(Example e) {
            if (n == messages.length) {
                int size = messages.length * 2;
                messages = Arrays.copyOf(messages, size);
                users = Arrays.copyOf(users, size);
                chars = Arrays.copyOf(chars, size);
                tokens = Arrays.copyOf(tokens, size);
            }
            Conversation c = e.conversation();
            messages[n] = c.size();
            users[n] = c.count(Role.USER);
            long total = 0;
            for (Message m : c.messages()) {
                int len = m.content().codePointCount(0, m.content().length());
                total += len;
                byRole.merge(m.role(), 1L, Long::sum);
                charsByRole.merge(m.role(), (long) len, Long::sum);
            }
            if (e.isPreference()) {
                pairs++;
                total += e.rejected().codePointCount(0, e.rejected().length());
            }
            if (c.system().isPresent()) {
                system++;
            }
            if (e.format() != null) {
                formats.merge(e.format(), 1L, Long::sum);
            }
            chars[n] = total;
            tokens[n] = counter == null ? 0 : counter.count(e);
            n++;
        }

        public DatasetStats result() {
            return new DatasetStats(n, formats, pairs, system, dist(messages), dist(users), byRole, charsByRole,
                    dist(chars), counter == null ? null : dist(tokens));
        }

        private Distribution dist(long[] values) {
            return Distribution.of(Arrays.copyOf(values, n));
        }
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("examples", examples);
        JsonObject f = new JsonObject();
        formats.forEach((k, v) -> f.addProperty(k.id(), v));
        o.add("formats", f);
        o.addProperty("preference_pairs", preferencePairs);
        o.addProperty("with_system_prompt", withSystemPrompt);
        o.add("messages_per_example", json(messages));
        o.add("user_turns_per_example", json(userTurns));
        JsonObject roles = new JsonObject();
        messagesByRole.forEach((k, v) -> roles.addProperty(k.openAiName(), v));
        o.add("messages_by_role", roles);
        JsonObject rc = new JsonObject();
        charactersByRole.forEach((k, v) -> rc.addProperty(k.openAiName(), v));
        o.add("characters_by_role", rc);
        o.add("characters_per_example", json(characters));
        o.add("tokens_per_example", tokens == null ? null : json(tokens));
        return new GsonBuilder().disableHtmlEscaping().serializeNulls().create().toJson(o);
    }

    private static JsonObject json(Distribution d) {
        JsonObject o = new JsonObject();
        o.addProperty("min", d.min());
        o.addProperty("mean", Math.round(d.mean() * 100) / 100.0);
        o.addProperty("median", d.median());
        o.addProperty("p95", d.p95());
        o.addProperty("max", d.max());
        return o;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(examples).append(" examples");
        if (!formats.isEmpty()) {
            b.append(" (");
            formats.forEach((k, v) -> b.append(k.id()).append(' ').append(v).append(", "));
            b.setLength(b.length() - 2);
            b.append(')');
        }
        b.append("; ").append(preferencePairs).append(" preference pairs; ").append(withSystemPrompt)
                .append(" with a system prompt\n\n");
        Table t = new Table("PER EXAMPLE", "MIN", "MEAN", "MEDIAN", "P95", "MAX").rightAlign(1, 2, 3, 4, 5);
        row(t, "messages", messages);
        row(t, "user turns", userTurns);
        row(t, "characters", characters);
        if (tokens != null) {
            row(t, "tokens", tokens);
        }
        b.append(t).append('\n');
        Table r = new Table("ROLE", "MESSAGES", "CHARACTERS").rightAlign(1, 2);
        for (Role role : Role.values()) {
            r.row(role.openAiName(), messagesByRole.getOrDefault(role, 0L), charactersByRole.getOrDefault(role, 0L));
        }
        b.append(r);
        return b.toString().stripTrailing();
    }

    private static void row(Table t, String name, Distribution d) {
        t.row(name, d.min(), String.format(Locale.ROOT, "%.1f", d.mean()), d.median(), d.p95(), d.max());
    }
}
