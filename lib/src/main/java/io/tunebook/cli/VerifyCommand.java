package io.tunebook.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.io.AtomicDirectory;
import io.tunebook.train.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code tunebook verify RUN_DIR [--steps N]}: re-runs a {@code tunebook train} run from the
 * configuration its {@value Provenance#FILE} records, in a temporary directory, and compares the
 * logged losses step by step: exactly when this runtime is the recorded one (same seed, same
 * machine: same losses), within a relative tolerance otherwise. It names the inputs whose sha256
 * changed and the first step whose loss differs.
 */
final class VerifyCommand implements Command {
    /** Runtime fields that decide the floating-point results; the others (versions of tunebook, Java) are shown. */
    static final List<String> NUMERIC_RUNTIME = List.of("engine", "natives", "kernels", "blas", "threads",
            "interop_threads", "device", "cpu");
    static final double DEFAULT_TOLERANCE = 1e-3;

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String summary() {
        return "re-run a train run from its provenance.json and compare the losses";
    }

    @Override
    public String help() {
        return "usage: tunebook verify RUN_DIR [--steps N] [--tolerance T] [--keep]\n"
                + "Re-runs the run recorded in RUN_DIR/provenance.json (written by tunebook train) in a temporary\n"
                + "directory, with the recorded configuration and seed and the current files, and compares the logged\n"
                + "training and validation losses step by step. On the recorded runtime (engine, natives, threads,\n"
                + "device, CPU) the losses must be identical; on another, within T relative (default "
                + DEFAULT_TOLERANCE + "). --steps N\n"
                + "re-runs the first N steps only (up to the first logged step at or past N), with the whole run's\n"
                + "schedule. Inputs whose sha256 changed since the run are listed; the whole run also compares the\n"
                + "artifact's sha256. --keep keeps the re-run's directory. Exit 0: the losses match; 1: they differ\n"
                + "(the first differing step is named); 2: no provenance block, or bad arguments.";
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args a = Args.parse(name(), argv, Set.of("steps", "tolerance"), Set.of("keep"));
        Path runDir = Path.of(a.positional(name(), 0, "RUN_DIR"));
        a.expectPositionals(name(), 1);
        if (!Files.isDirectory(runDir)) {
            throw new UsageException(name() + ": run directory '" + runDir + "' " + (Files.exists(runDir)
                    ? "is not a directory" : "does not exist"));
        }
        int steps = a.getInt("steps", 0);
        double tolerance = a.getDouble("tolerance", DEFAULT_TOLERANCE);
        if (steps < 0 || !(tolerance >= 0)) {
            throw new UsageException(name() + ": --steps and --tolerance must be positive");
        }
        Provenance recorded;
        try {
            recorded = Provenance.read(runDir).orElseThrow(() -> new UsageException(name() + ": " + runDir
                    + " has no " + Provenance.FILE + " (not a tunebook train run, or made before runs recorded one)"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": " + e.getMessage());
        }
        if (!recorded.origin().equals("train")) {
            throw new UsageException(name() + ": " + runDir.resolve(Provenance.FILE) + " records a run made from code"
                    + " (a notebook or the library), which has no run config to re-run; verify re-runs tunebook train runs");
        }
        JsonObject json = recorded.json();
        Path config = runDir.resolve(RunDirectory.CONFIG);
        if (!Files.isRegularFile(config)) {
            throw new UsageException(name() + ": " + config + " is missing: the run's resolved settings are needed");
        }
        Path metricsFile = runDir.resolve("metrics.jsonl");
        TreeMap<String, Double> before = losses(metricsFile);
        int recordedSteps = json.getAsJsonObject("result").get("steps").getAsInt();
        int totalSteps = json.getAsJsonObject("result").get("total_steps").getAsInt();
        int upTo = steps == 0 ? recordedSteps : Math.min(steps, recordedSteps);
        boolean whole = upTo == recordedSteps;
        Path base = runDir.resolve(json.get("config_dir").getAsString()).normalize();

        PrintLines out = new PrintLines();
        out.line("verify " + runDir + ": re-running " + (whole ? "all " + upTo
                : "the first " + upTo + " (to the next logged step) of " + recordedSteps) + " steps (seed " + recorded.seed() + ", planned "
                + totalSteps + ") in a temporary directory");
        List<String> changed = recorded.changedInputs(runDir);
        out.line(changed.isEmpty() ? "inputs: unchanged (sha256 of the base model's files and of every data file)"
                : "inputs changed since the run:\n  " + String.join("\n  ", changed));

        Map<String, String> then = recorded.runtime();
        Path temp = Files.createTempDirectory("tunebook-verify-");
        Path rerunDir = temp.resolve("run");
        try {
            int code = new TrainCommand().rerun(new String[] {config.toString(), "--output", rerunDir.toString()},
                    base, whole ? 0 : upTo);
            if (code != 0 && code != 130) {
                out.line("the re-run failed (exit " + code + ")");
                out.flush();
                return 1;
            }
            Provenance now = Provenance.read(rerunDir).orElseThrow(() ->
                    new IllegalStateException("the re-run wrote no " + Provenance.FILE));
            Map<String, String> runtime = now.runtime();
            List<String> differs = new ArrayList<>();
            for (String k : NUMERIC_RUNTIME) {
                if (!Objects.equals(then.get(k), runtime.get(k))) {
                    differs.add(k + " " + then.get(k) + " -> " + runtime.get(k));
                }
            }
            boolean exact = differs.isEmpty();
            out.line(exact ? "runtime: as recorded (" + then.get("engine") + ", " + then.get("threads")
                    + " threads, " + then.get("device") + "): losses must be identical"
                    : "runtime differs (" + String.join("; ", differs) + "): losses must agree within " + tolerance
                            + " relative");
            if (!Objects.equals(then.get("git_commit"), runtime.get("git_commit"))) {
                out.line("note: recorded with tunebook commit " + then.get("git_commit") + ", re-run with "
                        + runtime.get("git_commit"));
            }
            int ran = now.json().getAsJsonObject("result").get("steps").getAsInt();
            Comparison c = compare(before, losses(rerunDir.resolve("metrics.jsonl")), ran, exact ? 0 : tolerance);
            out.line(c.report());
            boolean match = c.firstDifference() == null;
            if (match && whole && json.get("artifact").isJsonObject() && now.json().get("artifact").isJsonObject()) {
                boolean same = json.getAsJsonObject("artifact").get("files")
                        .equals(now.json().getAsJsonObject("artifact").get("files"));
                out.line("artifact: " + (same ? "sha256 identical, file by file" : "sha256 differs"));
                match = same || !exact;
            }
            out.line(match ? "verified" : "NOT verified");
            out.flush();
            return match ? 0 : 1;
        } finally {
            if (a.has("keep")) {
                System.out.println("kept the re-run in " + rerunDir);
            } else {
                AtomicDirectory.deleteRecursively(temp);
            }
        }
    }

    /**
     * Each logged loss by a key that sorts as the run logged them: step (zero-padded), then the training loss
     * before the evaluation of the same step.
     */
    static TreeMap<String, Double> losses(Path metrics) throws IOException {
        TreeMap<String, Double> out = new TreeMap<>();
        if (!Files.isRegularFile(metrics)) {
            throw new UsageException("verify: " + metrics + " is missing: the run's logged losses are needed");
        }
        int lineNo = 0;
        for (String line : Files.readAllLines(metrics)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonObject o;
            try {
                o = JsonParser.parseString(line).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new UsageException("verify: " + metrics + ":" + lineNo + ": not a JSON object");
            }
            int step = o.get("step").getAsInt();
            for (String key : List.of("loss", "eval_loss")) {
                if (o.has(key) && !o.get(key).isJsonNull()) {
                    out.put(key(step, key), o.get(key).getAsDouble());
                }
            }
        }
        return out;
    }

    static String key(int step, String kind) {
        return String.format(Locale.ROOT, "%09d.%d %s", step, kind.equals("loss") ? 0 : 1, kind);
    }

    /** The first differing logged loss (in step order) among the recorded ones up to {@code upTo}. */
    static Comparison compare(TreeMap<String, Double> recorded, TreeMap<String, Double> rerun, int upTo,
            double tolerance) {
        int compared = 0;
        double worst = 0;
        for (Map.Entry<String, Double> e : recorded.entrySet()) {
            int step = Integer.parseInt(e.getKey().substring(0, 9));
            if (step > upTo) {
                break;
            }
            String kind = e.getKey().substring(12);
            Double now = rerun.get(e.getKey());
            double then = e.getValue();
            compared++;
            if (now == null) {
                return new Comparison(compared, worst, step, kind + " at step " + step + ": " + then
                        + " recorded, not logged by the re-run");
            }
            double relative = Math.abs(now - then) / Math.max(1e-12, Math.abs(then));
            worst = Math.max(worst, relative);
            boolean same = tolerance == 0 ? Double.compare(now, then) == 0 : relative <= tolerance;
            if (!same) {
                return new Comparison(compared, worst, step, String.format(Locale.ROOT,
                        "%s at step %d: %s recorded, %s now (relative difference %.2e)", kind, step, then, now,
                        relative));
            }
        }
        return new Comparison(compared, worst, null, null);
    }

    record Comparison(int compared, double worstRelative, Integer firstDifference, String detail) {
        String report() {
            if (compared == 0) {
                return "losses: none logged in those steps (raise --steps to reach a logged step)";
            }
            if (firstDifference != null) {
                return "first differing step: " + firstDifference + " (" + detail + "), after "
                        + (compared - 1) + " matching logged losses";
            }
            return worstRelative == 0 ? "losses: all " + compared + " logged losses identical"
                    : String.format(Locale.ROOT, "losses: all %d logged losses within tolerance (largest relative "
                            + "difference %.2e)", compared, worstRelative);
        }
    }

    /** Lines printed together at the end, after the re-run's progress on standard error. */
    private static final class PrintLines {
        private final StringBuilder b = new StringBuilder();

        void line(String s) {
            b.append(s).append('\n');
        }

        void flush() {
            System.out.print(b);
            b.setLength(0);
        }
    }
}
