package io.tunebook.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.display.Tables;
import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.RandomWeights;
import io.tunebook.plan.Estimate;
import io.tunebook.plan.Hardware;
import io.tunebook.plan.HostMemory;
import io.tunebook.plan.MemoryBreakdown;
import io.tunebook.plan.Method;
import io.tunebook.plan.Optimizer;
import io.tunebook.train.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * {@code tunebook bench --real CONFIG.json}: the published shape of a real model, as a seeded
 * set of random weights ({@link RandomWeights}), measured phase by phase, each phase in a
 * fresh child JVM ({@code bench WEIGHTS_DIR --phase P}, through {@link MethodBench#child}) so that its
 * peak resident memory ({@code VmHWM}) is its own, beside the planner's CPU estimate
 * ({@link Hardware#CPU}) for the same run. Before any phase starts, the planner refuses a phase
 * whose weights cannot fit in the machine's available memory ({@link HostMemory}).
 *
 * <p>Phases: {@code load} (the frozen base in 16 bits), {@code lora} and {@code qlora} (one training
 * step of {@link MethodBench.Setup#real}), {@code full} (full fine-tuning, float32, AdamW) and
 * {@code generate} (greedy decoding with the KV cache, {@value #GEN_TOKENS} new tokens after a
 * {@value #PROMPT_TOKENS}-token prompt).
 */
final class RealBench {
    static final int PROMPT_TOKENS = 32;
    static final int GEN_TOKENS = 16;
    static final long DEFAULT_SEED = 1234;

    private RealBench() {
    }

    enum Phase {
        LOAD, LORA, QLORA, FULL, GENERATE;

        String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Phase parse(String s) {
            for (Phase p : values()) {
                if (p.cliName().equals(s)) {
                    return p;
                }
            }
            throw new UsageException("bench: unknown phase '" + s + "' (load, lora, qlora, full, generate)");
        }

        /** The training method of a training phase, or null. */
        Method method() {
            return switch (this) {
                case LORA -> Method.LORA;
                case QLORA -> Method.QLORA;
                case FULL -> Method.FULL;
                default -> null;
            };
        }
    }

    /**
     * @param checkpointing gradient checkpointing for every training phase, or null for each recipe's
     * @param measured a file of earlier measurements to put beside today's estimates instead of running
     *     the phases again, or null
     */
    record Options(Path config, List<Phase> phases, MethodBench.Workload workload, int rank, Path weightsDir,
            long seed, Boolean checkpointing, Path measured) {
        List<String> childFlags() {
            List<String> f = new ArrayList<>(workload.flags());
            f.addAll(List.of("--rank", Integer.toString(rank)));
            if (checkpointing != null) {
                f.addAll(List.of("--gradient-checkpointing", checkpointing.toString()));
            }
            return f;
        }
    }

    /** The phases of a comma-separated list; {@code none} writes the weights only. */
    static List<Phase> phases(String list) {
        List<Phase> out = new ArrayList<>();
        if (list.strip().equals("none")) {
            return out;
        }
        for (String s : list.split(",")) {
            out.add(Phase.parse(s.strip()));
        }
        return out;
    }

    /** The default weights directory of a config: {@code bench/out/real/NAME}. */
    static Path defaultWeightsDir(Path config) {
        String name = config.getFileName().toString().replaceFirst("\\.json$", "");
        if (name.equals("config") && config.toAbsolutePath().getParent() != null) {
            name = config.toAbsolutePath().getParent().getFileName().toString();
        }
        return Path.of("bench", "out", "real", name);
    }

    /** The parent's work: the weights, the up-front memory check, one child per phase, the estimates. */
    static Map<String, Object> run(Options o) throws IOException {
        if (!Files.isRegularFile(o.config())) {
            throw new UsageException("bench: config file " + o.config() + " does not exist");
        }
        RandomWeights weights = RandomWeights.of(o.config(), o.seed());
        ModelConfig config = weights.config();
        String name = o.config().getFileName().toString().replaceFirst("\\.json$", "");
        // The engine's resident size is not known before a child runs: its usual value stands in.
        for (Phase phase : o.phases()) {
            Estimate planned = estimate(name, config, phase, o, io.tunebook.plan.Hardware.CPU_ENGINE_BYTES);
            HostMemory.requireWeightsFit(planned);
            if (phase.method() != null && o.measured() == null) {
                HostMemory.peakWarning(planned).ifPresent(w -> System.err.println("warning: " + w));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", name);
        out.put("config", o.config().toString());
        out.put("parameters", weights.weightBytes() / 2);
        out.put("batch", o.workload().batch());
        out.put("seq", o.workload().seq());
        out.put("rank", o.rank());
        out.put("threads", Runtime.getRuntime().availableProcessors());
        Path dir = o.weightsDir();
        out.put("weights", dir.toString());
        if (o.measured() != null) {
            out.put("measured", o.measured().toString());
        } else if (weights.matches(dir)) {
            out.put("weights_written", false);
        } else {
            System.err.printf("writing a random bf16 model of %s (%.2f GB) to %s%n", name,
                    weights.weightBytes() / 1e9, dir);
            long t0 = System.nanoTime();
            weights.write(dir, Runtime.getRuntime().availableProcessors());
            out.put("weights_written", true);
            out.put("weights_seconds", BenchCommand.round((System.nanoTime() - t0) / 1e9));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<Phase, JsonObject> earlier = o.measured() == null ? Map.of() : measured(o.measured());
        for (Phase phase : o.phases()) {
            JsonObject measured = earlier.get(phase);
            if (o.measured() != null && measured == null) {
                throw new UsageException("bench: " + o.measured() + " has no measurement of phase " + phase.cliName());
            }
            if (measured == null) {
                System.err.println("phase " + phase.cliName() + " ...");
                List<String> args = new ArrayList<>(List.of("bench", dir.toString(), "--phase", phase.cliName()));
                args.addAll(o.childFlags());
                measured = MethodBench.child(args, "bench --phase " + phase.cliName());
            }
            Map<String, Object> row = new LinkedHashMap<>(Json.GSON.<Map<String, Object>>fromJson(measured, Map.class));
            long overhead = Math.round(measured.get("engine_rss_mb").getAsDouble() * MethodBench.MIB);
            // The estimate is for the run as measured: with the checkpointing the phase ran with.
            Options asRun = !measured.has("gradient_checkpointing") ? o : new Options(o.config(), o.phases(),
                    o.workload(), o.rank(), o.weightsDir(), o.seed(),
                    measured.get("gradient_checkpointing").getAsBoolean(), o.measured());
            MemoryBreakdown estimate = estimateMemory(name, config, phase, asRun, overhead);
            Map<String, Double> mb = MethodBench.mebibytes(estimate);
            row.put("estimate_mb", mb);
            double peak = measured.get("peak_rss_mb").getAsDouble();
            row.put("estimate_over_peak", BenchCommand.round4(mb.get("total") / peak));
            rows.add(row);
            System.err.println(Json.GSON.toJson(row));
        }
        out.put("phases", rows);
        return out;
    }

    /**
     * Earlier measurements by phase, from {@code bench --real --json} output or a log of the lines
     * each phase prints ({@code {"phase": ...}}); the last line of a phase wins.
     */
    static Map<Phase, JsonObject> measured(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("bench: measurements file " + file + " does not exist");
        }
        Map<Phase, JsonObject> out = new LinkedHashMap<>();
        String text = Files.readString(file).strip();
        List<JsonObject> rows = new ArrayList<>();
        try {
            if (text.startsWith("{\"model\"")) {
                com.google.gson.JsonArray phases = JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("phases");
                phases.forEach(p -> rows.add(p.getAsJsonObject()));
            } else {
                for (String line : text.split("\n")) {
                    if (line.startsWith("{\"phase\"")) {
                        rows.add(JsonParser.parseString(line).getAsJsonObject());
                    }
                }
            }
        } catch (RuntimeException e) {
            throw new UsageException("bench: " + file + ": not bench --real output (" + e.getMessage() + ")");
        }
        for (JsonObject r : rows) {
            out.put(Phase.parse(r.get("phase").getAsString()), r);
        }
        return out;
    }

    /** The planner's figure for a phase: training phases' peak, load's weights, generation's working set. */
    static MemoryBreakdown estimateMemory(String name, ModelConfig config, Phase phase, Options o, long overhead) {
        Estimate planned = estimate(name, config, phase, o, overhead);
        if (phase == Phase.LOAD) {
            return new MemoryBreakdown(planned.inferenceMemory(0).weights(), 0, 0, 0, 0, overhead);
        }
        return phase == Phase.GENERATE ? planned.inferenceMemory(PROMPT_TOKENS + GEN_TOKENS) : planned.memory();
    }

    /**
     * The planner's CPU estimate for a phase. Load and generation hold the 16-bit base as the LoRA
     * run does: their figure is its {@link Estimate#inferenceMemory} (load: no KV cache).
     */
    static Estimate estimate(String name, ModelConfig config, Phase phase, Options o, long overheadBytes) {
        Method method = phase.method() == null ? Method.LORA : phase.method();
        MethodBench.Setup setup = MethodBench.Setup.real(method, o.rank()).checkpointing(o.checkpointing());
        return Estimate.builder().model(name, config).method(method).hardware(Hardware.CPU).precision(Precision.BF16)
                .optimizer(Optimizer.ADAMW_TORCH).gradientCheckpointing(setup.gradientCheckpointing())
                .flashAttention(false).batchSize(o.workload().batch()).sequenceLength(o.workload().seq())
                .rank(o.rank()).targetModules(method == Method.FULL ? Estimate.PROJECTIONS : setup.targets())
                .overheadBytes(Math.max(0, overheadBytes)).build();
    }

    /** One phase in this process (the child's work). */
    static Map<String, Object> runPhase(Path dir, Phase phase, MethodBench.Workload workload, int rank,
            Boolean checkpointing) {
        if (phase.method() != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("phase", phase.cliName());
            out.putAll(MethodBench.runOne(dir, MethodBench.Setup.real(phase.method(), rank).checkpointing(checkpointing),
                    workload));
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("phase", phase.cliName());
        out.put("engine_rss_mb", MethodBench.engineRssMb());
        double[] seconds = {0};
        try (CausalLM model = MethodBench.load(dir, MethodBench.Setup.real(Method.LORA, rank), seconds)) {
            out.put("load_seconds", BenchCommand.round4(seconds[0]));
            out.put("loaded_rss_mb", BenchCommand.round(BenchCommand.procStatusMb("VmRSS")));
            if (phase == Phase.GENERATE) {
                long[] prompt = new long[PROMPT_TOKENS];
                Random random = new Random(3);
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = random.nextInt(model.config().vocabSize());
                }
                Generator generator = Generator.of(model);
                generator.generateIds(List.of(prompt), GenerationSettings.builder().maxNewTokens(2)
                        .eosTokenIds(List.of()).build(), null);
                long t0 = System.nanoTime();
                int produced = generator.generateIds(List.of(prompt), GenerationSettings.builder()
                        .maxNewTokens(GEN_TOKENS).eosTokenIds(List.of()).build(), null).get(0).ids().length;
                double s = (System.nanoTime() - t0) / 1e9;
                out.put("prompt_tokens", PROMPT_TOKENS);
                out.put("new_tokens", produced);
                out.put("generate_tokens_per_second", BenchCommand.round4(produced / s));
            }
        }
        out.put("peak_rss_mb", BenchCommand.round(BenchCommand.procStatusMb("VmHWM")));
        return out;
    }

    /** The phases as an aligned table, measured beside estimated. */
    static String table(Map<String, Object> result) {
        StringColumn phase = StringColumn.create("phase");
        StringColumn checkpointing = StringColumn.create("grad. ckpt");
        DoubleColumn load = Tables.decimals("load s", 1);
        DoubleColumn step = Tables.decimals("s/step", 1);
        DoubleColumn gen = Tables.decimals("gen tok/s", 2);
        DoubleColumn peak = Tables.decimals("peak RSS MiB", 0);
        DoubleColumn estimate = Tables.decimals("estimate MiB", 0);
        DoubleColumn ratio = Tables.decimals("estimate/peak", 2);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) result.get("phases");
        for (Map<String, Object> r : rows) {
            phase.append((String) r.get("phase"));
            Object gc = r.get("gradient_checkpointing");
            checkpointing.append(gc == null ? "" : Boolean.TRUE.equals(gc) ? "yes" : "no");
            load.append(number(r, "load_seconds"));
            step.append(number(r, "step_seconds"));
            gen.append(number(r, "generate_tokens_per_second"));
            peak.append(number(r, "peak_rss_mb"));
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) r.get("estimate_mb");
            estimate.append(((Number) e.get("total")).doubleValue());
            ratio.append(number(r, "estimate_over_peak"));
        }
        return Tables.text(Table.create(String.format(Locale.ROOT, "%s (%,d parameters, random bf16 weights), batch %s"
                + " x seq %s, LoRA rank %s, each phase in a fresh JVM", result.get("model"),
                ((Number) result.get("parameters")).longValue(), result.get("batch"), result.get("seq"),
                result.get("rank")), phase, checkpointing, load, step, gen, peak, estimate, ratio));
    }

    private static double number(Map<String, Object> row, String key) {
        Object v = row.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
