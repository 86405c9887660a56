package io.tunebook.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.tunebook.model.MallocPolicy;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.ParameterLayout;
import io.tunebook.model.RandomWeights;
import io.tunebook.plan.Method;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tunebook bench DIR --compare}: tunebook and {@code bench/pytorch_bench.py} on the same
 * config, weights, batch, sequence length, thread count and {@code OMP_WAIT_POLICY}, run in turn
 * (tunebook, PyTorch, tunebook, PyTorch...) so that both see the same spells of load on a shared
 * machine, then the median of each side and their ratio, per measure.
 */
final class CompareBench {
    /** Each measure's JSON path in both programs' output, and whether lower is better (memory). */
    private record Measure(String name, String path, boolean lowerIsBetter) {
    }

    private static final List<Measure> MEASURES = List.of(
            new Measure("train", "train.tokens_per_second", false),
            new Measure("forward", "forward.tokens_per_second", false),
            new Measure("generate", "generate.tokens_per_second", false),
            new Measure("generate_batched", "generate_batched.tokens_per_second", false),
            new Measure("peak_rss", "peak_rss_mb", true));

    private CompareBench() {
    }

    /**
     * The seeded random weights of a {@code config.json} in {@code bench/out/real/NAME} (as
     * {@code --real} writes it; reused when it is already there), which both sides then load.
     */
    static Path randomWeights(Path config) throws IOException {
        RandomWeights weights = RandomWeights.of(config, RealBench.DEFAULT_SEED);
        Path dir = RealBench.defaultWeightsDir(config);
        if (!weights.matches(dir)) {
            System.err.println("bench: writing random weights of " + config + " to " + dir);
            weights.write(dir, Runtime.getRuntime().availableProcessors());
        }
        return dir;
    }

    static Map<String, Object> run(Path dir, Method method, MethodBench.Workload workload, int genTokens, int rounds,
            Path script, String python, List<String> stepFlags) throws IOException {
        if (rounds < 1) {
            throw new UsageException("bench: --rounds must be at least 1, got " + rounds);
        }
        if (!Files.isRegularFile(script)) {
            throw new UsageException("bench: " + script + ": no such file (--pytorch-bench gives pytorch_bench.py)");
        }
        int threads = Runtime.getRuntime().availableProcessors();
        String ompThreads = System.getenv().getOrDefault("OMP_NUM_THREADS", Integer.toString(threads));
        List<String> shape = new ArrayList<>(workload.flags());
        shape.addAll(List.of("--gen-tokens", Integer.toString(genTokens)));
        shape.addAll(stepFlags); // the adapter's rank, --train-only: both programs take them alike
        // QLoRA has no PyTorch twin here (no bitsandbytes on a CPU): its step is tunebook's alone.
        boolean pytorchToo = method != Method.QLORA;
        // The same OpenMP setting, and the allocator policy the tunebook child takes for this model (MallocPolicy).
        Map<String, String> childEnvironment = new LinkedHashMap<>(MethodBench.CHILD_ENVIRONMENT);
        childEnvironment.putAll(MallocPolicy.forParameters(
                ParameterLayout.count(ParameterLayout.of(ModelConfig.read(dir.resolve("config.json"))))).environment());
        List<JsonObject> ours = new ArrayList<>();
        List<JsonObject> theirs = new ArrayList<>();
        String loadBefore = loadAverage();
        for (int r = 0; r < rounds; r++) {
            List<String> args = new ArrayList<>(List.of("bench", dir.toString(), "--train-method", method.cliName()));
            args.addAll(shape);
            ours.add(MethodBench.child(args, "tunebook bench (round " + (r + 1) + ")"));
            System.err.println("bench: round " + (r + 1) + " tunebook " + summary(ours.get(r)));
            if (pytorchToo) {
                List<String> py = new ArrayList<>(List.of(python, script.toString(), dir.toString(), "--method",
                        method.cliName(), "--threads", ompThreads.split(",")[0].strip(),
                        "--gen-batch", Integer.toString(BenchCommand.GENERATE_BATCH), "--json"));
                py.addAll(shape);
                theirs.add(MethodBench.runJson(py, "pytorch_bench.py (round " + (r + 1) + ")", childEnvironment));
                System.err.println("bench: round " + (r + 1) + " pytorch  " + summary(theirs.get(r)));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", dir.toString());
        out.put("method", method.cliName());
        out.put("batch", workload.batch());
        out.put("seq", workload.seq());
        out.put("steps", workload.steps());
        out.put("gen_tokens", genTokens);
        out.put("threads", ompThreads);
        Map<String, String> environment = new LinkedHashMap<>(childEnvironment);
        environment.putAll(System.getenv().entrySet().stream().filter(e -> environment.containsKey(e.getKey()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        out.put("environment", environment);
        out.put("rounds", rounds);
        if (!pytorchToo) {
            out.put("pytorch", "not run: pytorch_bench.py has no NF4 base (bitsandbytes needs a GPU); tunebook alone");
        }
        out.put("load_average_before", loadBefore);
        out.put("load_average_after", loadAverage());
        for (Measure m : MEASURES) {
            if (Double.isNaN(value(ours.get(0), m.path()))) {
                continue; // not measured (--train-only)
            }
            double ourMedian = median(ours, m.path());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tunebook", ourMedian);
            if (pytorchToo) {
                double theirMedian = median(theirs, m.path());
                row.put("pytorch", theirMedian);
                // Higher is better: throughput ours over theirs, memory theirs over ours.
                row.put("ratio", BenchCommand.round4(m.lowerIsBetter() ? theirMedian / ourMedian : ourMedian / theirMedian));
            }
            out.put(m.name(), row);
        }
        JsonObject last = ours.get(ours.size() - 1);
        if (last.has("weights_read")) {
            out.put("generate_bound", Json.GSON.fromJson(last.get("weights_read"), Map.class));
        }
        if (method == Method.QLORA) {
            JsonObject train = last.getAsJsonObject("train");
            Map<String, Object> dq = new LinkedHashMap<>();
            dq.put("seconds_per_pass", median(ours, "train.dequantize_seconds_per_pass"));
            dq.put("share_of_step", median(ours, "train.dequantize_share_of_step"));
            dq.put("step_seconds", train.get("step_seconds").getAsDouble());
            out.put("dequantize", dq);
        }
        out.put("tunebook_runs", ours.stream().map(o -> Json.GSON.fromJson(o, Map.class)).toList());
        out.put("pytorch_runs", theirs.stream().map(o -> Json.GSON.fromJson(o, Map.class)).toList());
        return out;
    }

    private static String summary(JsonObject run) {
        StringBuilder b = new StringBuilder();
        for (Measure m : MEASURES) {
            b.append(m.name()).append(' ').append(value(run, m.path())).append("  ");
        }
        return b.toString().strip();
    }

    private static double value(JsonObject run, String path) {
        JsonElement e = run;
        for (String key : path.split("\\.")) {
            e = e.getAsJsonObject().get(key);
            if (e == null) {
                return Double.NaN;
            }
        }
        return e.getAsDouble();
    }

    static double median(List<JsonObject> runs, String path) {
        double[] v = runs.stream().mapToDouble(r -> value(r, path)).sorted().toArray();
        int n = v.length;
        return BenchCommand.round4(n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
    }

    /** {@code /proc/loadavg}'s first three fields: how busy the machine was. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
            return String.join(" ", Arrays.copyOf(f, 3));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
