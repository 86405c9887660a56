package io.tunebook.display;

import io.tunebook.data.Dataset;
import io.tunebook.data.DatasetStats;
import io.tunebook.data.Distribution;
import io.tunebook.data.Example;
import io.tunebook.data.Role;
import io.tunebook.data.TokenCounter;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * {@link DatasetStats} as three tables (what the dataset holds; messages, user turns, characters
 * and tokens per example as min, median, mean, p95 and max; the role balance) and, when the tokens
 * were counted here, the {@link TokenHistogram} of the lengths.
 *
 * <pre>{@code
 * StatsView.of(train, text -> tokenizer.encode(text, false).length).maxLength(512);
 * }</pre>
 */
public final class StatsView implements Displayable {
    private final DatasetStats stats;
    private final TokenHistogram histogram;

    private StatsView(DatasetStats stats, TokenHistogram histogram) {
        this.stats = stats;
        this.histogram = histogram;
    }

    /** The tables of statistics computed elsewhere; no histogram. */
    public static StatsView of(DatasetStats stats) {
        return new StatsView(stats, null);
    }

    /** Statistics and token histogram of {@code dataset}, tokenizing every example once. */
    public static StatsView of(Dataset dataset, TokenCounter counter) {
        Map<Example, Integer> lengths = new IdentityHashMap<>();
        for (Example e : dataset) {
            lengths.put(e, counter.count(e));
        }
        TokenCounter counted = new TokenCounter() {
            @Override
            public int count(String text) {
                return counter.count(text);
            }

            @Override
            public int count(Example example) {
                return lengths.computeIfAbsent(example, counter::count);
            }
        };
        DatasetStats stats = DatasetStats.of(dataset, counted);
        return new StatsView(stats, TokenHistogram.of(dataset.stream().mapToLong(lengths::get).toArray()));
    }

    /** The same view with the maximum sequence length drawn on the histogram. */
    public StatsView maxLength(int tokens) {
        if (histogram == null) {
            throw new IllegalStateException("no token histogram: build the view with StatsView.of(dataset, counter)");
        }
        return new StatsView(stats, histogram.maxLength(tokens));
    }

    public DatasetStats stats() {
        return stats;
    }

    public Optional<TokenHistogram> histogram() {
        return Optional.ofNullable(histogram);
    }

    /** Examples, examples by format, preference pairs, examples with a system prompt. */
    public Table summary() {
        StringColumn what = StringColumn.create("item");
        LongColumn count = LongColumn.create("count");
        what.append("examples");
        count.append(stats.examples());
        stats.formats().forEach((format, n) -> {
            what.append("  " + format.id());
            count.append(n);
        });
        what.append("preference pairs");
        count.append(stats.preferencePairs());
        what.append("with a system prompt");
        count.append(stats.withSystemPrompt());
        return Table.create("Dataset", what, count);
    }

    /** Min, median, mean, p95 and max per example of messages, user turns, characters and tokens. */
    public Table perExample() {
        StringColumn name = StringColumn.create("per example");
        LongColumn min = LongColumn.create("min");
        LongColumn median = LongColumn.create("median");
        DoubleColumn mean = Tables.decimals("mean", 1);
        LongColumn p95 = LongColumn.create("p95");
        LongColumn max = LongColumn.create("max");
        Table t = Table.create("Per example", name, min, median, mean, p95, max);
        add(t, "messages", stats.messages());
        add(t, "user turns", stats.userTurns());
        add(t, "characters", stats.characters());
        if (stats.tokens() != null) {
            add(t, "tokens", stats.tokens());
        }
        return t;
    }

    private static void add(Table t, String name, Distribution d) {
        t.stringColumn(0).append(name);
        t.longColumn(1).append(d.min());
        t.longColumn(2).append(d.median());
        t.doubleColumn(3).append(d.mean());
        t.longColumn(4).append(d.p95());
        t.longColumn(5).append(d.max());
    }

    /** Messages and characters by role, with their shares. */
    public Table roles() {
        StringColumn role = StringColumn.create("role");
        LongColumn messages = LongColumn.create("messages");
        DoubleColumn messageShare = Tables.decimals("% messages", 1);
        LongColumn characters = LongColumn.create("characters");
        DoubleColumn characterShare = Tables.decimals("% characters", 1);
        DoubleColumn perMessage = Tables.decimals("characters per message", 1);
        long allMessages = stats.messagesByRole().values().stream().mapToLong(Long::longValue).sum();
        long allCharacters = stats.charactersByRole().values().stream().mapToLong(Long::longValue).sum();
        for (Role r : Role.values()) {
            long m = stats.messagesByRole().getOrDefault(r, 0L);
            long c = stats.charactersByRole().getOrDefault(r, 0L);
            role.append(r.openAiName());
            messages.append(m);
            messageShare.append(share(m, allMessages));
            characters.append(c);
            characterShare.append(share(c, allCharacters));
            perMessage.append(m == 0 ? 0 : (double) c / m);
        }
        return Table.create("Role balance", role, messages, messageShare, characters, characterShare, perMessage);
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    @Override
    public MimeBundle mimeBundle() {
        String html = Tables.html(summary()) + Tables.html(perExample()) + Tables.html(roles())
                + (histogram == null || histogram.examples() == 0 ? ""
                        : Tables.image(histogram.png(), histogram.text().lines().findFirst().orElse("")));
        return MimeBundle.text(text()).withHtml(Tables.section("Dataset statistics", html));
    }

    /** The three tables as text, and the histogram's bars. */
    public String text() {
        String text = Tables.text(summary()) + '\n' + Tables.text(perExample()) + '\n' + Tables.text(roles());
        return (histogram == null ? text : text + '\n' + histogram.text()).stripTrailing();
    }

    @Override
    public String toString() {
        return text();
    }
}
