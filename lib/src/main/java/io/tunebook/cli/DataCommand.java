package io.tunebook.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.data.Cleaner;
import io.tunebook.data.CleaningResult;
import io.tunebook.data.Dataset;
import io.tunebook.data.DatasetFormat;
import io.tunebook.data.DatasetLoader;
import io.tunebook.data.DatasetSplits;
import io.tunebook.data.DatasetStats;
import io.tunebook.data.Datasets;
import io.tunebook.data.FileSummary;
import io.tunebook.data.PiiAction;
import io.tunebook.data.Splitter;
import io.tunebook.data.TokenCounter;
import io.tunebook.data.ValidationException;
import io.tunebook.data.ValidationReport;
import io.tunebook.model.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code tunebook data validate|stats|convert|split|clean}: the dataset tools of
 * {@link io.tunebook.data} on the command line. Exit codes: 0 done, 1 the data is invalid (strict)
 * or cannot be converted, 2 a usage error.
 */
final class DataCommand implements Command {
    private static final String FORMATS = "alpaca, sharegpt, openai, input-output, prompt-completion, preference";

    @Override
    public String name() {
        return "data";
    }

    @Override
    public String summary() {
        return "validate, describe, convert, split and clean datasets";
    }

    @Override
    public String help() {
        return "usage: tunebook data SUBCOMMAND FILE... [OPTIONS]\n"
                + "Dataset files are JSONL or JSON arrays of rows in one of: " + FORMATS + ".\n"
                + "The format of each file is detected from its first rows unless --format forces it.\n"
                + "\n"
                + "tunebook data validate FILE... [--format F] [--strict] [--max-tokens N --tokenizer DIR]\n"
                + "                               [--max-issues N] [--json]\n"
                + "  Checks every row and reports each problem with its file, line and field: invalid JSON or\n"
                + "  UTF-8, missing, empty or mistyped fields, unknown roles, wrong turn order, no final assistant\n"
                + "  turn, more than N tokens (counted by the tokenizer of a model directory). Streams the files,\n"
                + "  so any size validates in bounded memory. Exit code 1 with --strict when a row is invalid.\n"
                + "\n"
                + "tunebook data stats FILE... [--format F] [--tokenizer DIR] [--json]\n"
                + "  Examples by format, preference pairs, system prompts, messages and user turns per example,\n"
                + "  messages and characters by role, characters (and tokens with --tokenizer) per example.\n"
                + "  Streams the files; invalid rows are skipped and counted.\n"
                + "\n"
                + "tunebook data convert FILE... --to F --output OUT [--format F] [--lenient]\n"
                + "  Writes the rows in format F (OUT ending in .json: a JSON array; otherwise JSONL). Fails,\n"
                + "  writing nothing, on an invalid row (unless --lenient skips them) or on a row F cannot hold.\n"
                + "\n"
                + "tunebook data split FILE... --output-dir DIR [--validation 0.1] [--test 0.0] [--seed 42]\n"
                + "                            [--stratify FIELD] [--to F] [--format F] [--lenient]\n"
                + "  Seeded split into DIR/train.jsonl, validation.jsonl and test.jsonl (when not empty), in\n"
                + "  the input's format unless --to; --stratify keeps each value of FIELD in proportion.\n"
                + "\n"
                + "tunebook data clean FILE... --output OUT [--near-dup-threshold 0.8] [--no-near-dup]\n"
                + "                            [--no-exact-dup] [--no-normalize] [--min-tokens N] [--max-tokens N]\n"
                + "                            [--tokenizer DIR] [--emails flag|redact|drop] [--phones flag|redact|drop]\n"
                + "                            [--report FILE] [--json] [--to F] [--format F] [--lenient]\n"
                + "  Normalises text (Unicode NFC, whitespace), removes exact and near duplicates (MinHash over\n"
                + "  character shingles, Jaccard threshold), filters by token length, flags, redacts or drops\n"
                + "  e-mail addresses and phone numbers; prints what was removed and why (--json: as JSON;\n"
                + "  --report: also to FILE).\n"
                + "\n"
                + "Exit codes: 0 done; 1 invalid data (strict) or a row the target format cannot hold; 2 usage.";
    }

    @Override
    public int run(String[] argv) throws Exception {
        if (argv.length == 0) {
            throw new UsageException("data: missing subcommand: validate, stats, convert, split or clean"
                    + " (see tunebook data --help)");
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        switch (argv[0]) {
            case "validate":
                return validate(rest);
            case "stats":
                return stats(rest);
            case "convert":
                return convert(rest);
            case "split":
                return split(rest);
            case "clean":
                return clean(rest);
            default:
                throw new UsageException("data: unknown subcommand '" + argv[0]
                        + "' (expected validate, stats, convert, split or clean)");
        }
    }

    private int validate(String[] argv) throws IOException {
        String cmd = "data validate";
        Args a = Args.parse(cmd, argv, Set.of("format", "max-tokens", "tokenizer", "max-issues"),
                Set.of("strict", "json"));
        DatasetLoader loader = loader(cmd, a);
        if (a.has("max-issues")) {
            int n = a.getInt("max-issues", DatasetLoader.DEFAULT_MAX_ISSUES);
            if (n < 0) {
                throw new UsageException(cmd + ": --max-issues must be >= 0, got " + n);
            }
            loader.maxIssues(n);
        }
        boolean strict = a.has("strict");
        if (strict) {
            loader.strict();
        } else {
            loader.lenient();
        }
        if (a.has("max-tokens") && !a.has("tokenizer")) {
            throw new UsageException(cmd + ": --max-tokens needs --tokenizer DIR (a model directory)");
        }
        ValidationReport report;
        if (a.has("max-tokens")) {
            int max = positive(cmd, a, "max-tokens");
            try (Tokenizer tokenizer = tokenizer(cmd, a)) {
                report = loader.maxTokens(max, counter(tokenizer)).validate();
            }
        } else {
            report = loader.validate();
        }
        System.out.println(a.has("json") ? report.toJson() : report.toString());
        return strict && !report.isValid() ? 1 : 0;
    }

    private int stats(String[] argv) throws IOException {
        String cmd = "data stats";
        Args a = Args.parse(cmd, argv, Set.of("format", "tokenizer"), Set.of("json"));
        DatasetLoader loader = loader(cmd, a).lenient();
        DatasetStats stats;
        ValidationReport v;
        if (a.has("tokenizer")) {
            try (Tokenizer tokenizer = tokenizer(cmd, a)) {
                DatasetStats.Accumulator acc = DatasetStats.accumulator(counter(tokenizer));
                v = loader.forEach(acc);
                stats = acc.result();
            }
        } else {
            DatasetStats.Accumulator acc = DatasetStats.accumulator(null);
            v = loader.forEach(acc);
            stats = acc.result();
        }
        if (a.has("json")) {
            JsonObject json = JsonParser.parseString(stats.toJson()).getAsJsonObject();
            json.addProperty("rows", v.rows());
            json.addProperty("invalid_rows", v.invalidRows());
            System.out.println(Json.GSON.toJson(json));
        } else {
            System.out.println(stats);
            if (v.invalidRows() > 0) {
                System.out.println("\n" + v.invalidRows() + " of " + v.rows()
                        + " rows are invalid and not counted (see tunebook data validate)");
            }
        }
        return 0;
    }

    private int convert(String[] argv) {
        String cmd = "data convert";
        Args a = Args.parse(cmd, argv, Set.of("format", "to", "output"), Set.of("lenient"));
        DatasetLoader loader = loader(cmd, a);
        DatasetFormat to = format(cmd, required(cmd, a, "to", "--to FORMAT"));
        Path out = Path.of(required(cmd, a, "output", "--output FILE"));
        if (a.has("lenient")) {
            loader.lenient();
        }
        try {
            ValidationReport report = loader.convert(to, out);
            System.out.println("wrote " + report.validRows() + " rows as " + to.id() + " to " + out
                    + skipped(report));
            return 0;
        } catch (ValidationException e) {
            return rejected(e);
        }
    }

    private int split(String[] argv) {
        String cmd = "data split";
        Args a = Args.parse(cmd, argv, Set.of("format", "to", "output-dir", "validation", "test", "seed", "stratify"),
                Set.of("lenient"));
        DatasetLoader loader = loader(cmd, a);
        Path dir = Path.of(required(cmd, a, "output-dir", "--output-dir DIR"));
        Splitter splitter;
        try {
            Splitter.Builder b = Splitter.builder()
                    .validation(a.getDouble("validation", 0.1))
                    .test(a.getDouble("test", 0.0))
                    .seed(seed(cmd, a));
            if (a.has("stratify")) {
                b.stratifyBy(a.get("stratify", null));
            }
            splitter = b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(cmd + ": " + e.getMessage());
        }
        DatasetFormat to = a.has("to") ? format(cmd, a.get("to", null)) : null;
        if (a.has("lenient")) {
            loader.lenient();
        }
        Dataset data;
        try {
            data = loader.load();
        } catch (ValidationException e) {
            return rejected(e);
        }
        DatasetFormat target = to != null ? to : inputFormat(cmd, data);
        DatasetSplits s = splitter.split(data);
        List<Path> written = s.write(dir, target);
        System.out.printf(Locale.ROOT, "train %d, validation %d, test %d (%s, seed %d%s) -> %s%n", s.train().size(),
                s.validation().size(), s.test().size(), target.id(), splitter.seed(),
                splitter.stratifyBy() == null ? "" : ", stratified by " + splitter.stratifyBy(), written);
        String skipped = skipped(data.validation());
        if (!skipped.isEmpty()) {
            System.out.println(skipped.trim());
        }
        return 0;
    }

    private int clean(String[] argv) throws IOException {
        String cmd = "data clean";
        Args a = Args.parse(cmd, argv, Set.of("format", "to", "output", "near-dup-threshold", "min-tokens", "max-tokens",
                "tokenizer", "emails", "phones", "report"), Set.of("no-near-dup", "no-exact-dup", "no-normalize",
                "json", "lenient"));
        DatasetLoader loader = loader(cmd, a);
        Path out = Path.of(required(cmd, a, "output", "--output FILE"));
        DatasetFormat to = a.has("to") ? format(cmd, a.get("to", null)) : null;
        boolean lengths = a.has("min-tokens") || a.has("max-tokens");
        if (lengths && !a.has("tokenizer")) {
            throw new UsageException(cmd + ": --min-tokens and --max-tokens need --tokenizer DIR (a model directory)");
        }
        Cleaner.Builder b = Cleaner.builder()
                .normalize(!a.has("no-normalize"))
                .exactDuplicates(!a.has("no-exact-dup"))
                .nearDuplicates(!a.has("no-near-dup"))
                .nearDuplicateThreshold(a.getDouble("near-dup-threshold", 0.8))
                .emails(pii(cmd, a, "emails"))
                .phoneNumbers(pii(cmd, a, "phones"));
        if (a.has("min-tokens")) {
            b.minTokens(positive(cmd, a, "min-tokens"));
        }
        if (a.has("max-tokens")) {
            b.maxTokens(positive(cmd, a, "max-tokens"));
        }
        if (a.has("lenient")) {
            loader.lenient();
        }
        Tokenizer tokenizer = a.has("tokenizer") && lengths ? tokenizer(cmd, a) : null;
        try {
            Cleaner cleaner;
            try {
                cleaner = b.tokenCounter(tokenizer == null ? null : counter(tokenizer)).build();
            } catch (IllegalArgumentException e) {
                throw new UsageException(cmd + ": " + e.getMessage());
            }
            Dataset data;
            try {
                data = loader.load();
            } catch (ValidationException e) {
                return rejected(e);
            }
            DatasetFormat target = to != null ? to : inputFormat(cmd, data);
            CleaningResult r = cleaner.clean(data);
            r.dataset().write(out, target);
            if (a.has("report")) {
                Files.writeString(Path.of(a.get("report", null)), r.report().toJson() + "\n", StandardCharsets.UTF_8);
            }
            if (a.has("json")) {
                System.out.println(r.report().toJson());
            } else {
                System.out.println(r.report());
                System.out.println("\nwrote " + r.dataset().size() + " rows as " + target.id() + " to " + out
                        + skipped(data.validation()));
            }
            return 0;
        } finally {
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
    }

    // ---- shared parts ----

    private static DatasetLoader loader(String cmd, Args a) {
        if (a.positionals().isEmpty()) {
            throw new UsageException(cmd + ": missing dataset FILE (see tunebook data --help)");
        }
        List<Path> files = new ArrayList<>();
        for (String p : a.positionals()) {
            files.add(Args.existingFile(cmd, p));
        }
        DatasetLoader loader = Datasets.from(files);
        if (a.has("format")) {
            loader.format(format(cmd, a.get("format", null)));
        }
        return loader;
    }

    private static DatasetFormat format(String cmd, String name) {
        try {
            return DatasetFormat.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(cmd + ": " + e.getMessage());
        }
    }

    private static String required(String cmd, Args a, String name, String what) {
        if (!a.has(name)) {
            throw new UsageException(cmd + ": missing " + what + " (see tunebook data --help)");
        }
        return a.get(name, null);
    }

    private static int positive(String cmd, Args a, String name) {
        int n = a.getInt(name, 0);
        if (n <= 0) {
            throw new UsageException(cmd + ": --" + name + " must be positive, got " + n);
        }
        return n;
    }

    private static long seed(String cmd, Args a) {
        String v = a.get("seed", "42");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(cmd + ": --seed must be an integer, got '" + v + "'");
        }
    }

    private static PiiAction pii(String cmd, Args a, String name) {
        if (!a.has(name)) {
            return PiiAction.IGNORE;
        }
        String v = a.get(name, "");
        switch (v.toLowerCase(Locale.ROOT)) {
            case "flag":
                return PiiAction.FLAG;
            case "redact":
                return PiiAction.REDACT;
            case "drop":
                return PiiAction.DROP;
            default:
                throw new UsageException(cmd + ": --" + name + " must be flag, redact or drop, got '" + v + "'");
        }
    }

    private static Tokenizer tokenizer(String cmd, Args a) {
        Path dir = Args.existingDirectory(cmd, a.get("tokenizer", null));
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new UsageException(cmd + ": no tokenizer.json in '" + dir + "'");
        }
        return Tokenizer.load(dir);
    }

    private static TokenCounter counter(Tokenizer tokenizer) {
        return text -> tokenizer.encode(text, false).length;
    }

    /** The format of the input files when they share one (the output keeps it). */
    private static DatasetFormat inputFormat(String cmd, Dataset data) {
        DatasetFormat f = null;
        for (FileSummary s : data.validation().files()) {
            if (s.format() != null && f != null && s.format() != f) {
                throw new UsageException(cmd + ": the input files have different formats (" + f.id() + ", "
                        + s.format().id() + "); choose the output format with --to");
            }
            f = s.format() != null ? s.format() : f;
        }
        if (f == null) {
            throw new UsageException(cmd + ": no input format detected; choose the output format with --to");
        }
        return f;
    }

    private static String skipped(ValidationReport r) {
        return r.skippedRows() == 0 ? "" : " (" + r.skippedRows() + " invalid rows skipped; see tunebook data validate)";
    }

    private static int rejected(ValidationException e) {
        System.err.println(e.report());
        System.err.println("(use --lenient to skip invalid rows)");
        return 1;
    }
}
