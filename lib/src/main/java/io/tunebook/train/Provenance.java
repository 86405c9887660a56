package io.tunebook.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.data.Dataset;
import io.tunebook.data.Example;
import io.tunebook.io.AtomicFile;
import io.tunebook.model.MklDispatch;
import io.tunebook.model.Transformer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What produced a run, written as {@value #FILE} into its directory: the sha256 of the base model's
 * files, of each data file and of the trained artifact; tunebook's version and git commit; the
 * seed, thread count, engine and native versions; and the resolved configuration. A {@link Trainer}
 * with an output directory writes it at the end of every run, so a shared notebook or run directory
 * says which data, model and code made its numbers, and {@code tunebook verify} can re-run it.
 *
 * <p>Paths are stored relative to the run directory (as a run and its inputs move together in a
 * checkout), absolute when they have no common root.
 */
public final class Provenance {
    /** The file in a run directory. */
    public static final String FILE = "provenance.json";
    /** Its format; a reader refuses others. */
    public static final String FORMAT = "tunebook-provenance/1";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .create();

    private final JsonObject json;

    private Provenance(JsonObject json) {
        this.json = json;
    }

    /** The inputs a run declares, for a {@link Trainer.Builder#provenance}. */
    public static Inputs inputs() {
        return new Inputs();
    }

    /** Reads {@code runDir/provenance.json}; empty when the directory has none. */
    public static Optional<Provenance> read(Path runDir) {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a JSON object: " + e.getMessage(), e);
        }
        if (!o.has("format") || !FORMAT.equals(o.get("format").getAsString())) {
            throw new IllegalArgumentException(file + ": field 'format' must be " + FORMAT + ", got "
                    + (o.has("format") ? o.get("format") : "nothing"));
        }
        return Optional.of(new Provenance(o));
    }

    /** The whole block, as written. */
    public JsonObject json() {
        return json.deepCopy();
    }

    public long seed() {
        return json.get("seed").getAsLong();
    }

    /** {@code train} for a {@code tunebook train} run (re-runnable by {@code verify}), {@code code} otherwise. */
    public String origin() {
        return json.get("origin").getAsString();
    }

    /** The runtime block: tunebook version and commit, engine, natives, threads, device, Java, OS. */
    public Map<String, String> runtime() {
        return strings(json.getAsJsonObject("runtime"));
    }

    /** Each hashed file, labelled by role ({@code base_model}, {@code data/train}, {@code artifact}), to its sha256. */
    public Map<String, String> hashes() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String group : List.of("base_model", "artifact")) {
            JsonElement g = json.get(group);
            if (g != null && g.isJsonObject()) {
                String dir = g.getAsJsonObject().get("path").getAsString();
                g.getAsJsonObject().getAsJsonObject("files").entrySet().forEach(e ->
                        out.put(group + ": " + dir + "/" + e.getKey(), e.getValue().getAsString()));
            }
        }
        for (JsonElement d : json.getAsJsonArray("data")) {
            JsonObject o = d.getAsJsonObject();
            out.put("data/" + o.get("role").getAsString() + ": " + o.get("path").getAsString(),
                    o.get("sha256").getAsString());
        }
        return out;
    }

    /**
     * Every recorded input (base model and data files, not the artifact) whose file now has another sha256 or is
     * gone, as {@code path: recorded → now}; paths resolve against {@code runDir}.
     */
    public List<String> changedInputs(Path runDir) {
        List<String> changed = new ArrayList<>();
        JsonElement base = json.get("base_model");
        if (base != null && base.isJsonObject()) {
            Path dir = runDir.resolve(base.getAsJsonObject().get("path").getAsString());
            base.getAsJsonObject().getAsJsonObject("files").entrySet().forEach(e ->
                    compare(dir.resolve(e.getKey()), e.getValue().getAsString(), changed));
        }
        for (JsonElement d : json.getAsJsonArray("data")) {
            JsonObject o = d.getAsJsonObject();
            compare(runDir.resolve(o.get("path").getAsString()), o.get("sha256").getAsString(), changed);
        }
        return changed;
    }

    private static void compare(Path file, String recorded, List<String> changed) {
        String now = Files.isRegularFile(file) ? sha256(file) : null;
        if (!recorded.equals(now)) {
            changed.add(file.normalize() + ": sha256 " + shortHash(recorded) + " recorded, "
                    + (now == null ? "file missing" : shortHash(now)) + " now");
        }
    }

    static String shortHash(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private static Map<String, String> strings(JsonObject o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o != null) {
            o.entrySet().forEach(e -> out.put(e.getKey(), e.getValue().isJsonNull() ? null
                    : e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue().toString()));
        }
        return out;
    }

    @Override
    public String toString() {
        return GSON.toJson(json);
    }

    /**
     * The record of a run that just ended in {@code runDir}: {@code model} (its directory when
     * {@code inputs} names none), the declared data, the artifact {@code runDir/artifactName}, the
     * configuration ({@code inputs}' or, without one, {@code args}), and this process's runtime.
     */
    static Provenance of(Path runDir, Inputs inputs, Path modelDirectory, Device device, TrainingArguments args,
            String artifactName, TrainingResult result) {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("origin", inputs.configFile != null ? "train" : "code");
        o.add("runtime", GSON.toJsonTree(runtime(modelDirectory, device)));
        o.addProperty("seed", args.seed());
        JsonObject outcome = new JsonObject();
        outcome.addProperty("steps", result.steps());
        outcome.addProperty("total_steps", result.totalSteps());
        outcome.addProperty("stop_reason", result.stopReason().name().toLowerCase());
        o.add("result", outcome);
        Path base = inputs.baseModel != null ? inputs.baseModel : modelDirectory;
        o.add("base_model", base == null ? null : files(runDir, base, modelFiles(base)));
        List<Map<String, Object>> data = new ArrayList<>();
        inputs.data.forEach((file, role) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("role", role);
            d.put("path", relative(runDir, file));
            d.put("sha256", sha256(file));
            if (inputs.rows.containsKey(file)) {
                d.put("rows_used", inputs.rows.get(file));
            }
            data.add(d);
        });
        o.add("data", GSON.toJsonTree(data));
        Path artifact = runDir.resolve(artifactName);
        o.add("artifact", Files.isDirectory(artifact) ? files(runDir, artifact, regularFiles(artifact)) : null);
        if (inputs.configFile != null) {
            o.addProperty("config_file", relative(runDir, inputs.configFile));
            o.addProperty("config_dir", relative(runDir, inputs.configDir));
        }
        o.add("configuration", inputs.configuration != null ? GSON.toJsonTree(inputs.configuration)
                : GSON.toJsonTree(Map.of("training_arguments", GSON.toJsonTree(args))));
        return new Provenance(o);
    }

    /** Writes {@value #FILE} into {@code runDir}, replacing any earlier one at once. */
    void write(Path runDir) {
        try {
            AtomicFile.write(runDir.resolve(FILE), (GSON.toJson(json) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + runDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    private static JsonObject files(Path runDir, Path dir, List<Path> files) {
        JsonObject o = new JsonObject();
        o.addProperty("path", relative(runDir, dir));
        JsonObject hashes = new JsonObject();
        for (Path f : files) {
            hashes.addProperty(dir.relativize(f).toString(), sha256(f));
        }
        o.add("files", hashes);
        return o;
    }

    /** What decides a model's numbers: its weights, config and tokenizer files. */
    private static List<Path> modelFiles(Path dir) {
        return regularFiles(dir).stream().filter(f -> {
            String n = f.getFileName().toString();
            return n.endsWith(".safetensors") || n.equals("model.safetensors.index.json") || n.equals("config.json")
                    || n.equals("tokenizer.json") || n.equals("tokenizer_config.json");
        }).collect(Collectors.toList());
    }

    private static List<Path> regularFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    static String relative(Path runDir, Path p) {
        Path from = runDir.toAbsolutePath().normalize();
        Path to = p.toAbsolutePath().normalize();
        return from.getRoot() != null && from.getRoot().equals(to.getRoot()) ? from.relativize(to).toString()
                : to.toString();
    }

    /** The sha256 of a file's bytes, in lower-case hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * This process as it affects the numbers: two runs whose runtimes are equal must give the same
     * losses (same seed, same machine); tunebook's version and commit say which code ran.
     */
    static Map<String, Object> runtime(Path near, Device device) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tunebook_version", version());
        r.put("git_commit", Checkout.COMMIT);
        r.put("git_dirty", Checkout.DIRTY);
        Engine engine = Engine.getInstance();
        r.put("engine", engine.getEngineName() + " " + engine.getVersion());
        r.put("djl", Engine.getDjlVersion());
        r.put("natives", natives(engine));
        r.put("kernels", Transformer.KERNELS);
        r.put("blas", MklDispatch.describe()); // the matmuls' kernels: another MKL branch sums in another order
        r.put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
        r.put("interop_threads", ai.djl.pytorch.jni.JniUtils.getNumInteropThreads());
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("device", device.toString()); // the model's, where the run's tensors lived
        r.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        r.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        r.put("cpu", cpuModel());
        return r;
    }

    /**
     * Reads the checkout's commit and state now, once per JVM. The trainer calls it when a run starts: read at the
     * end, a checkout that moved on during a 30-minute run was recorded instead of the code that ran.
     */
    static String noteCheckout() {
        return Checkout.COMMIT; // reading a field initializes the holder, which reads git
    }

    /** The git commit and dirty flag of the checkout tunebook's classes were loaded from, read once (lazy holder). */
    private static final class Checkout {
        static final String COMMIT;
        static final Boolean DIRTY;

        static {
            Path checkout = checkout();
            COMMIT = checkout == null ? null : git(checkout, "rev-parse", "HEAD");
            String status = checkout == null ? null : git(checkout, "status", "--porcelain", "--untracked-files=no");
            DIRTY = status == null ? null : !status.isEmpty();
        }
    }

    /** Where the engine's native library came from (DJL prints it on the second line of the engine). */
    private static String natives(Engine engine) {
        return engine.toString().lines().filter(l -> l.contains("Library")).map(String::strip).findFirst()
                .orElse(engine.toString().lines().findFirst().orElse(""));
    }

    private static String cpuModel() {
        Path info = Path.of("/proc/cpuinfo");
        try (Stream<String> lines = Files.isReadable(info) ? Files.lines(info) : Stream.empty()) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse(null);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }

    /** The project version the build stamped into the jar. */
    static String version() {
        try (InputStream in = Provenance.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            return v == null || v.startsWith("${") ? null : v;
        } catch (IOException e) {
            return null;
        }
    }

    /** The git checkout holding tunebook's classes (lib/target/...), or null for an installed jar. */
    private static Path checkout() {
        try {
            CodeSource source = Provenance.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            for (Path p = Path.of(source.getLocation().toURI()).toAbsolutePath(); p != null; p = p.getParent()) {
                if (Files.exists(p.resolve(".git"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no file location: not a checkout
        }
        return null;
    }

    /** {@code git -C dir ARGS}'s output, stripped; null when git is missing or fails. */
    private static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The inputs of a run: its base model, data files and configuration, as declared by whoever runs it. */
    public static final class Inputs {
        private Path baseModel;
        private final Map<Path, String> data = new LinkedHashMap<>();
        private final Map<Path, Integer> rows = new TreeMap<>();
        private Map<String, Object> configuration;
        private Path configFile;
        private Path configDir;

        private Inputs() {
        }

        /** The base model's directory; by default the one the trained model was loaded from. */
        public Inputs baseModel(Path dir) {
            baseModel = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** A data file the run read, with its role ({@code train}, {@code validation}). */
        public Inputs data(String role, Path file) {
            data.put(Objects.requireNonNull(file, "file").toAbsolutePath().normalize(), Objects.requireNonNull(role));
            return this;
        }

        /**
         * The files {@code dataset}'s examples were read from, with how many of each file's rows the run used (a
         * slice of a file is recorded as the whole file's hash and the count).
         */
        public Inputs data(String role, Dataset dataset) {
            Map<Path, Integer> used = new LinkedHashMap<>();
            for (Example e : dataset) {
                if (e.source().isFile()) {
                    used.merge(e.source().file().toAbsolutePath().normalize(), 1, Integer::sum);
                }
            }
            if (used.isEmpty()) {
                throw new IllegalArgumentException("provenance: the " + role + " dataset was built in code, not read "
                        + "from a file: write it to a file and load it to record it");
            }
            used.forEach((file, n) -> {
                data(role, file);
                rows.merge(file, n, Integer::sum);
            });
            return this;
        }

        /** The settings that made the run, as a tree of maps and lists; by default the training arguments. */
        public Inputs configuration(Map<String, Object> tree) {
            configuration = Objects.requireNonNull(tree, "tree");
            return this;
        }

        /** The run config file of {@code tunebook train} and the directory its relative paths resolve from. */
        public Inputs configFile(Path file, Path relativeTo) {
            configFile = file;
            configDir = relativeTo;
            return this;
        }
    }
}
