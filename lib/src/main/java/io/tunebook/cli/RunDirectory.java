package io.tunebook.cli;

import io.tunebook.io.AtomicDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The output directory of {@code tunebook train}: one run, never two. A directory already holding a
 * run's files is refused unless {@code --overwrite} (which clears those files first) or {@code --resume}
 * (which must continue the same run: its recorded {@code config.yaml} may differ from this one only in
 * the step limits, the output directory and the device).
 */
final class RunDirectory {
    static final String CONFIG = "config.yaml";
    /** What a run writes into its directory, staging directories of atomic writes included. */
    private static final Pattern RUN_ENTRY = Pattern.compile(
            "config\\.yaml|metrics\\.jsonl|adapter|model|checkpoint-\\d+|\\..+\\.(saving|old|tmp)");
    /** Settings a resumed run may change. */
    private static final Set<String> MAY_CHANGE = Set.of("training.max_steps", "training.num_train_epochs", "output.dir",
            "model.device");

    private RunDirectory() {
    }

    /**
     * Makes {@code runDir} ready for a run: refuses one holding another run (or, with {@code overwrite},
     * clears it), or checks that {@code resume} belongs to a run with the same settings.
     */
    static void prepare(String command, Path runDir, Path resume, Map<String, Object> resolved, boolean overwrite)
            throws IOException {
        if (Files.exists(runDir) && !Files.isDirectory(runDir)) {
            throw new UsageException(command + ": output " + runDir + " is a file, not a directory");
        }
        if (resume != null) {
            if (overwrite) {
                throw new UsageException(command + ": --overwrite clears the run that --resume continues: give one");
            }
            requireSameRun(command, resume, resolved);
            return;
        }
        List<String> entries = entries(runDir);
        if (entries.isEmpty()) {
            return;
        }
        List<String> runEntries = entries.stream().filter(e -> RUN_ENTRY.matcher(e).matches())
                .collect(Collectors.toList());
        if (!overwrite) {
            throw new UsageException(command + ": " + runDir + " already holds "
                    + (runEntries.isEmpty() ? "other files" : "a run") + " (" + preview(entries) + "): pass"
                    + " --overwrite to replace it, --resume latest to continue it, or choose another output.dir");
        }
        if (runEntries.size() != entries.size()) {
            List<String> others = new ArrayList<>(entries);
            others.removeAll(runEntries);
            throw new UsageException(command + ": --overwrite: " + runDir + " holds files that are not a run's ("
                    + preview(others) + "); not clearing it");
        }
        for (String e : runEntries) {
            Path p = runDir.resolve(e);
            if (Files.isDirectory(p)) {
                AtomicDirectory.deleteRecursively(p);
            } else {
                Files.delete(p);
            }
        }
    }

    private static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static String preview(List<String> names) {
        return names.size() <= 4 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 4)) + ", and " + (names.size() - 4) + " more";
    }

    /** The checkpoint's run recorded its settings beside it: they must be this run's. */
    private static void requireSameRun(String command, Path checkpoint, Map<String, Object> resolved)
            throws IOException {
        Path parent = checkpoint.toAbsolutePath().normalize().getParent();
        Path recordedFile = parent == null ? null : parent.resolve(CONFIG);
        if (recordedFile == null || !Files.isRegularFile(recordedFile)) {
            throw new UsageException(command + ": --resume: " + checkpoint + " has no " + CONFIG
                    + " beside it: not a checkpoint of a tunebook train run");
        }
        Object recorded;
        try (InputStream in = Files.newInputStream(recordedFile)) {
            recorded = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (RuntimeException e) {
            throw new UsageException(command + ": --resume: " + recordedFile + " is not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, String> before = flatten(recorded);
        Map<String, String> now = flatten(resolved);
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(now.keySet());
        for (String key : keys) {
            if (!MAY_CHANGE.contains(key) && !Objects.equals(before.get(key), now.get(key))) {
                throw new UsageException(command + ": --resume: " + checkpoint + " belongs to a run with " + key + ": "
                        + shown(before.get(key)) + ", this config has " + key + ": " + shown(now.get(key))
                        + "; resume with the run's settings (only step limits may change)");
            }
        }
    }

    private static String shown(String v) {
        return v == null ? "(unset)" : v;
    }

    /** {@code section.key} to the value's text, lists as YAML shows them. */
    static Map<String, String> flatten(Object tree) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", tree, out);
        return out;
    }

    private static void flatten(String prefix, Object node, Map<String, String> out) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                flatten(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node != null) {
            out.put(prefix, String.valueOf(node));
        }
    }
}
