package io.tunebook.cli;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.model.BatchDecoder;
import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationSettings;
import io.tunebook.plan.Method;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * {@code tunebook bench DIR --profile-decode}: what one greedy decoding step costs in native work, from
 * libtorch's own profiler around {@link BatchDecoder#step} (after a prefill and a few warm-up steps):
 * the operators the JVM called (outermost ops: one JNI call each, the ops they run inside not counted),
 * every operator, the copies among them, the operators that allocated and their bytes, the JVM's own
 * allocation per step, and how much of a step's time was spent inside operators at all. Counts, not times, are what this is for: they do not depend on the machine's
 * load, so a before/after of the decoding code is reproducible on a shared machine.
 */
final class DecodeProfile {
    /** Operators that copy their input into a new buffer (a cache grown by concatenation, a contiguous copy...). */
    private static final List<String> COPIES = List.of("aten::cat", "aten::copy_", "aten::clone", "aten::contiguous",
            "aten::_to_copy", "aten::index", "aten::index_put_", "aten::stack");

    private DecodeProfile() {
    }

    static Map<String, Object> run(Path dir, int rows, int steps, int warmup) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        Path trace = Files.createTempFile("tunebook-decode", ".json");
        long jvmBytes;
        double wall;
        try (CausalLM model = MethodBench.load(dir, MethodBench.Setup.quickstart(Method.FULL), new double[1]);
                BatchDecoder decoder = new BatchDecoder(model)) {
            Random random = new Random(3); // the prompts of bench's generate measures
            GenerationSettings settings = GenerationSettings.builder().maxNewTokens(warmup + steps + 2)
                    .eosTokenIds(List.of()).build();
            for (int r = 0; r < rows; r++) {
                long[] prompt = new long[16];
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = random.nextInt(model.config().vocabSize());
                }
                decoder.add(prompt, settings, r, null);
            }
            for (int i = 0; i <= warmup; i++) { // the first step is the prefill
                decoder.step();
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            JniUtils.startProfile(false, false, true);
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                decoder.step();
            }
            wall = (System.nanoTime() - t0) / 1e9;
            JniUtils.stopProfile(trace.toString());
            jvmBytes = threads.getThreadAllocatedBytes(thread) - before;
            out.put("model", dir.toString());
            out.put("rows", rows);
            out.put("steps", steps);
            out.put("context_at_start", 16 + warmup + 1);
        }
        try {
            out.putAll(summarize(trace, steps, wall));
        } finally {
            Files.deleteIfExists(trace);
        }
        out.put("jvm_bytes_allocated_per_step", jvmBytes / steps);
        return out;
    }

    private record Op(String name, long tid, double start, double end, long bytes) {
    }

    /**
     * Per-step counts from libtorch's legacy profiler trace (a JSON array of complete events, each
     * with its {@code "cpu mem"}: bytes its outputs and its nested ops allocated).
     */
    static Map<String, Object> summarize(Path trace, int steps, double wallSeconds) throws IOException {
        JsonElement root;
        try (Reader r = Files.newBufferedReader(trace)) {
            root = JsonParser.parseReader(r);
        }
        JsonArray events = root.isJsonArray() ? root.getAsJsonArray()
                : root.getAsJsonObject().getAsJsonArray("traceEvents");
        List<Op> ops = new ArrayList<>();
        for (JsonElement e : events) {
            JsonObject o = e.getAsJsonObject();
            String name = o.has("name") ? o.get("name").getAsString() : "";
            if (o.has("ph") && o.get("ph").getAsString().equals("X") && name.startsWith("aten::")) {
                double ts = o.get("ts").getAsDouble();
                long tid = o.has("tid") && o.get("tid").isJsonPrimitive() ? o.get("tid").getAsLong() : 0;
                ops.add(new Op(name, tid, ts, ts + o.get("dur").getAsDouble(),
                        o.has("cpu mem") ? bytes(o.get("cpu mem").getAsString()) : 0));
            }
        }
        // An op called from the JVM is one no other op encloses; nested ones are that op's own work.
        ops.sort(Comparator.comparingLong(Op::tid).thenComparingDouble(Op::start)
                .thenComparing(Comparator.comparingDouble(Op::end).reversed()));
        Map<String, int[]> outer = new TreeMap<>();
        Map<String, double[]> outerMicros = new TreeMap<>();
        Map<String, Integer> copies = new TreeMap<>();
        long tid = Long.MIN_VALUE;
        double openUntil = Double.NEGATIVE_INFINITY;
        int outerCount = 0;
        long allocations = 0;
        long allocatedBytes = 0;
        double insideOps = 0;
        for (Op op : ops) {
            if (op.tid != tid || op.start >= openUntil) {
                tid = op.tid;
                openUntil = op.end;
                outer.computeIfAbsent(op.name, k -> new int[1])[0]++;
                outerMicros.computeIfAbsent(op.name, k -> new double[1])[0] += op.end - op.start;
                outerCount++;
                insideOps += op.end - op.start;
                if (op.bytes > 0) {
                    allocations++;
                    allocatedBytes += op.bytes;
                }
            }
            if (COPIES.contains(op.name)) {
                copies.merge(op.name, 1, Integer::sum);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("outer_ops_per_step", round(outerCount, steps));
        r.put("all_ops_per_step", round(ops.size(), steps));
        r.put("copy_ops_per_step", round(copies.values().stream().mapToInt(Integer::intValue).sum(), steps));
        r.put("allocating_ops_per_step", round(allocations, steps));
        r.put("native_bytes_allocated_per_step", allocatedBytes / steps);
        // Times swing with the machine's load; their split is what matters: the rest of a step is the JVM's.
        r.put("step_ms", Math.round(wallSeconds * 1e6 / steps) / 1000.0);
        r.put("inside_ops_ms_per_step", Math.round(insideOps / steps) / 1000.0);
        Map<String, Object> byName = new LinkedHashMap<>();
        outer.entrySet().stream().sorted((x, y) -> Integer.compare(y.getValue()[0], x.getValue()[0]))
                .forEach(e -> byName.put(e.getKey(), round(e.getValue()[0], steps) + " calls, "
                        + Math.round(outerMicros.get(e.getKey())[0] / steps) + " us"));
        r.put("outer_ops_by_name", byName);
        Map<String, Object> copyNames = new LinkedHashMap<>();
        copies.forEach((k, v) -> copyNames.put(k, round(v, steps)));
        r.put("copy_ops_by_name", copyNames);
        return r;
    }

    /** {@code "1.00 Kb"}, {@code "8 b"}, {@code "-512 b"} (a free) to bytes. */
    private static long bytes(String text) {
        String[] parts = text.strip().split(" ");
        double value = Double.parseDouble(parts[0]);
        String unit = parts.length > 1 ? parts[1] : "b";
        double scale = switch (unit) {
            case "Kb" -> 1024;
            case "Mb" -> 1024 * 1024;
            case "Gb" -> 1024.0 * 1024 * 1024;
            default -> 1;
        };
        return Math.round(value * scale);
    }

    private static double round(long count, int steps) {
        return Math.round(10.0 * count / steps) / 10.0;
    }
}
