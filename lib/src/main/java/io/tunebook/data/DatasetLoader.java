package io.tunebook.data;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads one or more dataset files, row by row: detects each file's format from its first rows
 * (or uses the forced one), normalises each row to an {@link Example}, and reports every bad row
 * with its file, line and field. Get one from {@link Datasets#from}, set options, then
 * {@link #load()} the examples, {@link #validate()} without keeping them, stream them with
 * {@link #forEach}, or {@link #convert} the files to another format.
 *
 * <p>Strict mode (the default) rejects a dataset that has any invalid row, with a
 * {@link ValidationException} whose report lists them all; lenient mode skips those rows and
 * counts them in the report. Either way nothing is dropped without a trace.
 *
 * <pre>{@code
 * Dataset train = Datasets.from("train.jsonl", "extra.json")
 *         .lenient()
 *         .maxTokens(2048, text -> tokenizer.encode(text, false).length)
 *         .load();
 * System.out.println(train.validation());
 * }</pre>
 */
public final class DatasetLoader {
    /** How many object rows at the top of a file decide its format (by majority). */
    public static final int DETECTION_ROWS = 100;
    /** Default number of issues a report keeps (all are counted). */
    public static final int DEFAULT_MAX_ISSUES = 1000;

    private final List<Path> files;
    private DatasetFormat format;
    private boolean lenient;
    private int maxTokens;
    private TokenCounter tokenCounter;
    private int maxIssues = DEFAULT_MAX_ISSUES;

    DatasetLoader(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no dataset file given");
        }
        this.files = List.copyOf(files);
    }

    /** Reads every file in this format instead of detecting it. */
    public DatasetLoader format(DatasetFormat forced) {
        this.format = forced;
        return this;
    }

    /** Reads every file in the format named (see {@link DatasetFormat#parse}). */
    public DatasetLoader format(String forced) {
        return format(DatasetFormat.parse(forced));
    }

    /** Any invalid row rejects the dataset (the default). */
    public DatasetLoader strict() {
        this.lenient = false;
        return this;
    }

    /** Invalid rows are skipped and counted in the report. */
    public DatasetLoader lenient() {
        this.lenient = true;
        return this;
    }

    /** Rows longer than {@code max} tokens, as {@code counter} counts them, are invalid. */
    public DatasetLoader maxTokens(int max, TokenCounter counter) {
        if (max <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + max);
        }
        this.maxTokens = max;
        this.tokenCounter = Objects.requireNonNull(counter, "counter");
        return this;
    }

    /** How many issues the report keeps; all are counted regardless. */
    public DatasetLoader maxIssues(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("maxIssues must be >= 0, got " + max);
        }
        this.maxIssues = max;
        return this;
    }

    /**
     * Reads all files into memory. In strict mode, throws a {@link ValidationException} after
     * reading them all if any row is invalid.
     */
    public Dataset load() {
        List<Example> examples = new ArrayList<>();
        ValidationReport report = read(examples::add);
        if (!lenient && !report.isValid()) {
            throw new ValidationException(report);
        }
        return new Dataset(examples, report);
    }

    /** Validates all files in a single streaming pass, keeping no examples; never throws for bad rows. */
    public ValidationReport validate() {
        return read(e -> { });
    }

    /**
     * Streams the valid examples to {@code sink} as they are read, in bounded memory. In strict
     * mode, throws a {@link ValidationException} at the end if any row was invalid (the valid
     * rows have been passed on by then).
     */
    public ValidationReport forEach(Consumer<Example> sink) {
        ValidationReport report = read(sink);
        if (!lenient && !report.isValid()) {
            throw new ValidationException(report);
        }
        return report;
    }

    /**
     * Streams the files into {@code out} in the {@code target} format (a {@code .json} file gets a
     * JSON array, any other JSONL). The output appears only when the conversion succeeds: in
     * strict mode any invalid row, and in either mode any example the target cannot hold
     * ({@link ConversionException}), leaves {@code out} untouched.
     */
    public ValidationReport convert(DatasetFormat target, Path out) {
        DatasetWriter writer = DatasetWriter.open(out, target);
        try {
            ValidationReport report = read(writer::write);
            if (!lenient && !report.isValid()) {
                throw new ValidationException(report);
            }
            writer.close();
            return report;
        } finally {
            writer.abort();
        }
    }

    private ValidationReport read(Consumer<Example> sink) {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new UncheckedIOException(new NoSuchFileException(f.toString(), null, Files.isDirectory(f)
                        ? "a directory, not a dataset file" : Files.exists(f)
                        ? "a special file (a FIFO, a device or a socket), not a dataset file" : "no such dataset file"));
            }
        }
        ReportBuilder report = new ReportBuilder(lenient, maxIssues);
        for (Path f : files) {
            readFile(f, report, sink);
        }
        return report.build();
    }

    private void readFile(Path file, ReportBuilder report, Consumer<Example> sink) {
        try (RowReader rows = RowReader.open(file)) {
            DatasetFormat fmt = format;
            List<RawRow> head = new ArrayList<>();
            if (fmt == null) {
                Map<DatasetFormat, Integer> votes = new LinkedHashMap<>();
                int objects = 0;
                RawRow r;
                while (objects < DETECTION_ROWS && (r = rows.next()) != null) {
                    head.add(r);
                    if (r.json() instanceof JsonObject o) {
                        objects++;
                        DatasetFormat.guess(o).ifPresent(g -> votes.merge(g, 1, Integer::sum));
                    }
                }
                int best = 0;
                for (Map.Entry<DatasetFormat, Integer> v : votes.entrySet()) {
                    if (v.getValue() > best) {
                        best = v.getValue();
                        fmt = v.getKey();
                    }
                }
            }
            report.startFile(file, fmt, format != null);
            for (RawRow r : head) {
                handle(r, fmt, report, sink);
            }
            head.clear();
            for (RawRow r = rows.next(); r != null; r = rows.next()) {
                handle(r, fmt, report, sink);
            }
            report.endFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(RawRow row, DatasetFormat fmt, ReportBuilder report, Consumer<Example> sink) {
        if (row.issue() != null) {
            report.invalid(List.of(row.issue()));
            return;
        }
        Source source = row.source();
        if (!(row.json() instanceof JsonObject o)) {
            report.invalid(List.of(new Issue(source, "", IssueKind.NOT_AN_OBJECT, "a row must be a JSON object, got "
                    + RowContext.typeOf(row.json()))));
            return;
        }
        if (fmt == null) {
            report.invalid(List.of(new Issue(source, "", IssueKind.UNKNOWN_FORMAT, "fields " + o.keySet()
                    + " match no dataset format (alpaca, sharegpt, openai, input-output, prompt-completion, "
                    + "preference); force one")));
            return;
        }
        ParsedRow parsed = fmt.read(o, source);
        if (parsed.example() == null) {
            report.invalid(parsed.issues());
            return;
        }
        Example example = parsed.example();
        if (tokenCounter != null) {
            // Counting stops at twice the maximum: a huge row costs no more than a row a little too long.
            int cap = (int) Math.min(Integer.MAX_VALUE - 1L, Math.max(2L * maxTokens, maxTokens + 16L));
            int tokens = tokenCounter.countUpTo(example, cap);
            if (tokens > maxTokens) {
                report.invalid(List.of(new Issue(source, fmt.contentFields(), IssueKind.TOO_LONG,
                        (tokens > cap ? "over " + cap : Integer.toString(tokens)) + " tokens, more than the maximum of "
                                + maxTokens)));
                return;
            }
        }
        report.valid();
        sink.accept(example);
    }
}
