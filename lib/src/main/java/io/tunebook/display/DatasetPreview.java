package io.tunebook.display;

import io.tunebook.data.CleaningReport;
import io.tunebook.data.Conversation;
import io.tunebook.data.Dataset;
import io.tunebook.data.Example;
import io.tunebook.data.Issue;
import io.tunebook.data.Message;
import io.tunebook.data.Role;
import io.tunebook.data.Source;
import io.tunebook.data.TokenCounter;
import io.tunebook.data.ValidationReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Some rows of a dataset as a table: position, source {@code file:line}, format, then the system
 * prompt, the prompt, the answer (and the rejected answer of preference pairs), long text cut with
 * an ellipsis. Columns nobody needs are left out: {@code system} when no row has one, {@code turns}
 * when every row is a single exchange. Reads like a sentence:
 *
 * <pre>{@code
 * DatasetPreview.of(train).head(10);
 * DatasetPreview.of(train).sample(10, 42);
 * DatasetPreview.of(train).width(120).longest(5, text -> tokenizer.encode(text, false).length);
 * DatasetPreview.of(raw).flagged(cleaned.report());
 * }</pre>
 *
 * <p>For a conversation of several exchanges the prompt column holds every turn before the answer,
 * each prefixed by its role.
 */
public final class DatasetPreview implements Displayable {
    /** Default cell width, in characters, after which text is cut. */
    public static final int DEFAULT_WIDTH = 80;

    private final String title;
    private final List<Example> examples;
    private final Table table;

    private DatasetPreview(String title, List<Example> examples, Table table) {
        this.title = title;
        this.examples = List.copyOf(examples);
        this.table = table;
    }

    /** Starts a preview of {@code dataset}; pick the rows with {@code head}, {@code sample}, .... */
    public static Builder of(Dataset dataset) {
        return new Builder(dataset);
    }

    /** What the rows are, e.g. {@code first 10 of 800 examples}. */
    public String title() {
        return title;
    }

    /** The rows shown, in table order. */
    public List<Example> examples() {
        return examples;
    }

    /** The table itself, to sort, filter or export with Tablesaw. */
    public Table table() {
        return table;
    }

    @Override
    public MimeBundle mimeBundle() {
        return MimeBundle.text(Tables.text(table).stripTrailing()).withHtml(Tables.html(table));
    }

    @Override
    public String toString() {
        return Tables.text(table).stripTrailing();
    }

    /** Chooses the rows of a preview and how wide its cells are. */
    public static final class Builder {
        private final Dataset dataset;
        private int width = DEFAULT_WIDTH;
        private TokenCounter counter;

        private Builder(Dataset dataset) {
            this.dataset = dataset;
        }

        /** Cuts text cells to {@code characters} (default {@value DatasetPreview#DEFAULT_WIDTH}), ellipsis included. */
        public Builder width(int characters) {
            if (characters < 4) {
                throw new IllegalArgumentException("width must be at least 4 characters, got " + characters);
            }
            this.width = characters;
            return this;
        }

        /** Adds a {@code tokens} column, counted by {@code tokenCounter}. */
        public Builder tokens(TokenCounter tokenCounter) {
            this.counter = tokenCounter;
            return this;
        }

        /** The first {@code n} examples. */
        public DatasetPreview head(int n) {
            List<Integer> rows = IntStream.range(0, Math.min(count(n), dataset.size())).boxed().toList();
            return build("first " + rows.size() + " of " + dataset.size() + " examples", rows, Map.of());
        }

        /** {@code n} distinct examples drawn at random with {@code seed}, shown in dataset order. */
        public DatasetPreview sample(int n, long seed) {
            int[] order = IntStream.range(0, dataset.size()).toArray();
            Random random = new Random(seed);
            int k = Math.min(count(n), order.length);
            // A partial Fisher-Yates shuffle: the first k slots end up a uniform sample.
            for (int i = 0; i < k; i++) {
                int j = i + random.nextInt(order.length - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            List<Integer> rows = IntStream.of(order).limit(k).sorted().boxed().toList();
            return build(k + " random of " + dataset.size() + " examples (seed " + seed + ")", rows, Map.of());
        }

        /** The {@code n} examples with the most tokens, longest first (ties in dataset order). */
        public DatasetPreview longest(int n, TokenCounter tokenCounter) {
            this.counter = tokenCounter;
            int[] tokens = dataset.stream().mapToInt(tokenCounter::count).toArray();
            List<Integer> rows = IntStream.range(0, tokens.length).boxed()
                    .sorted(Comparator.<Integer>comparingInt(i -> -tokens[i]).thenComparingInt(i -> i))
                    .limit(count(n)).toList();
            return build(rows.size() + " longest of " + dataset.size() + " examples (tokens)", rows, Map.of(),
                    i -> tokens[i]);
        }

        /** The examples that validation found issues with (e.g. too long), with their issues. */
        public DatasetPreview flagged(ValidationReport report) {
            Map<Source, List<String>> flags = new LinkedHashMap<>();
            for (Issue i : report.issues()) {
                flags.computeIfAbsent(i.source(), s -> new ArrayList<>())
                        .add(i.kind() + (i.field().isEmpty() ? "" : " " + i.field()) + ": " + i.message());
            }
            return flagged(flags);
        }

        /**
         * The examples that cleaning removed or flagged, with the reason: pass the dataset as it was
         * before cleaning to see the removed ones, the cleaned one to see what stayed flagged.
         */
        public DatasetPreview flagged(CleaningReport report) {
            Map<Source, List<String>> flags = new LinkedHashMap<>();
            for (CleaningReport.Removal r : report.removals()) {
                String why = r.reason() + (r.duplicateOf() == null ? ""
                        : String.format(Locale.ROOT, " of %s (%.2f)", location(r.duplicateOf()), r.similarity()))
                        + (r.detail() == null || r.detail().isEmpty() ? "" : ": " + r.detail());
                flags.computeIfAbsent(r.source(), s -> new ArrayList<>()).add(why);
            }
            for (CleaningReport.Flag f : report.flags()) {
                flags.computeIfAbsent(f.source(), s -> new ArrayList<>())
                        .add(f.kind() + " " + f.match() + " in " + f.field() + " (" + f.action() + ")");
            }
            return flagged(flags);
        }

        private DatasetPreview flagged(Map<Source, List<String>> flags) {
            List<Integer> rows = new ArrayList<>();
            Map<Integer, String> cells = new LinkedHashMap<>();
            for (int i = 0; i < dataset.size(); i++) {
                List<String> f = flags.get(dataset.get(i).source());
                if (f != null) {
                    rows.add(i);
                    cells.put(i, String.join("; ", f));
                }
            }
            return build(rows.size() + " flagged of " + dataset.size() + " examples", rows, cells);
        }

        private DatasetPreview build(String title, List<Integer> rows, Map<Integer, String> flags) {
            TokenCounter c = counter;
            return build(title, rows, flags, c == null ? null : i -> c.count(dataset.get(i)));
        }

        /** @param tokens the token count of the example at a dataset index; null for no tokens column */
        private DatasetPreview build(String title, List<Integer> rows, Map<Integer, String> flags,
                IntUnaryOperator tokens) {
            List<Example> shown = rows.stream().map(dataset::get).toList();
            boolean system = shown.stream().anyMatch(e -> e.conversation().system().isPresent());
            boolean multiTurn = shown.stream().anyMatch(e -> e.conversation().count(Role.USER) > 1);
            boolean preference = shown.stream().anyMatch(Example::isPreference);

            Table t = Table.create(title);
            IntColumn index = IntColumn.create("#");
            StringColumn source = StringColumn.create("source");
            StringColumn format = StringColumn.create("format");
            StringColumn systemColumn = StringColumn.create("system");
            IntColumn turns = IntColumn.create("turns");
            StringColumn prompt = StringColumn.create("prompt");
            StringColumn answer = StringColumn.create("answer");
            StringColumn rejected = StringColumn.create("rejected");
            IntColumn tokenColumn = IntColumn.create("tokens");
            StringColumn flagColumn = StringColumn.create("flags");
            for (int i : rows) {
                Example e = dataset.get(i);
                Conversation c = e.conversation();
                Conversation asked = c.endsWithAssistant() ? c.withoutLast() : c;
                index.append(i);
                source.append(location(e.source()));
                format.append(e.format() == null ? "" : e.format().id());
                systemColumn.append(cut(c.system().orElse("")));
                turns.append((int) c.count(Role.USER));
                prompt.append(cut(multiTurn ? transcript(asked.turns()) : lastUser(asked)));
                answer.append(cut(c.endsWithAssistant() ? c.last().content() : ""));
                rejected.append(cut(e.isPreference() ? e.rejected() : ""));
                if (tokens != null) {
                    tokenColumn.append(tokens.applyAsInt(i));
                }
                flagColumn.append(cut(flags.getOrDefault(i, "")));
            }
            t.addColumns(index, source, format);
            if (system) {
                t.addColumns(systemColumn);
            }
            if (multiTurn) {
                t.addColumns(turns);
            }
            t.addColumns(prompt, answer);
            if (preference) {
                t.addColumns(rejected);
            }
            if (tokens != null) {
                t.addColumns(tokenColumn);
            }
            if (!flags.isEmpty()) {
                t.addColumns(flagColumn);
            }
            return new DatasetPreview(title, shown, t);
        }

        private String cut(String text) {
            return Tables.truncate(text, width);
        }

        private static int count(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("a preview needs a row count >= 0, got " + n);
            }
            return n;
        }
    }

    /** {@code name:line} with the file's name only: the directory is the same for a whole table. */
    static String location(Source source) {
        return source.isFile() ? source.file().getFileName() + ":" + source.line() : source.toString();
    }

    private static String lastUser(Conversation asked) {
        for (int i = asked.size() - 1; i >= 0; i--) {
            Message m = asked.messages().get(i);
            if (m.role() == Role.USER) {
                return m.content();
            }
        }
        return "";
    }

    /** Turns one per line, each prefixed by its role: {@code user: ...}. */
    static String transcript(List<Message> messages) {
        StringBuilder b = new StringBuilder();
        for (Message m : messages) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(m.role().openAiName()).append(": ").append(m.content());
        }
        return b.toString();
    }
}
