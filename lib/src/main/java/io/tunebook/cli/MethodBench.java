package io.tunebook.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tunebook.display.Tables;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.LoadOptions;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.plan.Estimate;
import io.tunebook.plan.MemoryBreakdown;
import io.tunebook.plan.Method;
import io.tunebook.plan.Optimizer;
import io.tunebook.train.Precision;
import io.tunebook.quant.ModelMemory;
import io.tunebook.quant.QuantConfig;
import io.tunebook.quant.Quantizer;
import io.tunebook.train.TrainableModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * {@code tunebook bench --methods full,lora,qlora}: the same training step under each fine-tuning
 * method, side by side. Each method runs in a fresh child JVM ({@code bench --method M}), so that
 * one method's peak resident memory (the kernel's {@code VmHWM}) never includes another's. Next to
 * each measurement stands the planner's {@link Estimate} for the same shape, in float32 with eager
 * attention, no gradient checkpointing and {@code adamw_torch} (what the bench runs), its fixed
 * overhead the child's resident size once the engine is up, before the model loads (after loading,
 * the resident size also counts the mapped safetensors file until the JVM unmaps it).
 *
 * <p>LoRA and QLoRA use the quickstart adapter: r 16, alpha 32, dropout 0.05 on q, k, v and o;
 * QLoRA quantizes every projection but {@code lm_head} to NF4 with double quantization first.
 */
final class MethodBench {
    static final List<String> TARGETS = List.of("q_proj", "k_proj", "v_proj", "o_proj");
    static final int RANK = 16;

    private MethodBench() {
    }

    /** The training shape every method runs. */
    record Workload(int batch, int seq, int steps) {
        List<String> flags() {
            return List.of("--batch", Integer.toString(batch), "--seq", Integer.toString(seq), "--steps",
                    Integer.toString(steps));
        }
    }

    /**
     * How a method's model is made ready to train: which projections carry adapters and of what
     * rank, the dtype frozen base weights are held in, and whether activations are recomputed
     * (gradient checkpointing). {@code --methods} runs the quickstart's setup, {@code --real} the
     * real-size one.
     */
    record Setup(Method method, List<String> targets, int rank, String baseDtype, boolean gradientCheckpointing) {
        /** The quickstart adapter (r 16 on q, k, v, o) on a float32 base, no checkpointing. */
        static Setup quickstart(Method method) {
            return new Setup(method, TARGETS, RANK, "float32", false);
        }

        /**
         * The seeds' recipe at real size: adapters on every linear layer; LoRA on a 16-bit base,
         * QLoRA on an NF4 base with double quantization and gradient checkpointing; full
         * fine-tuning trains float32 weights.
         */
        static Setup real(Method method, int rank) {
            return switch (method) {
                case FULL -> new Setup(method, List.of(), rank, "float32", false);
                case LORA -> new Setup(method, Estimate.PROJECTIONS, rank, "bfloat16", false);
                case QLORA -> new Setup(method, Estimate.PROJECTIONS, rank, "bfloat16", true);
            };
        }

        /** This setup with checkpointing on or off; null keeps it. */
        Setup checkpointing(Boolean on) {
            return on == null ? this : new Setup(method, targets, rank, baseDtype, on);
        }

    }

    /**
     * Loads the model as the setup says, streaming: frozen weights in {@code baseDtype}, QLoRA's
     * projections quantized as they are read ({@link Quantizer#load}); stores the load's wall time
     * in seconds in {@code seconds[0]}.
     */
    static CausalLM load(Path dir, Setup setup, double[] seconds) {
        long t0 = System.nanoTime();
        LoadOptions options = LoadOptions.builder().dtype(setup.baseDtype()).build();
        CausalLM model = setup.method() == Method.QLORA ? Quantizer.load(dir, QuantConfig.nf4(), options)
                : CausalLM.load(dir, options);
        seconds[0] = (System.nanoTime() - t0) / 1e9;
        return model;
    }

    /** Loads the natives with a one-element array and returns the resident size then, in MiB. */
    static double engineRssMb() {
        try (NDManager probe = NDManager.newBaseManager()) {
            probe.zeros(new Shape(1)).close(); // loads the engine's natives
        }
        return BenchCommand.round(BenchCommand.procStatusMb("VmRSS"));
    }

    /**
     * One method in this process: sets it up, trains {@code steps + 1} steps (the first is warm-up),
     * and reports throughput and memory.
     */
    static Map<String, Object> runOne(Path dir, Setup setup, Workload workload) {
        Method method = setup.method();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", method.cliName());
        out.put("engine_rss_mb", engineRssMb());
        double[] loadSeconds = {0};
        try (CausalLM model = load(dir, setup, loadSeconds)) {
            double loadedMb = BenchCommand.procStatusMb("VmRSS");
            out.put("load_seconds", BenchCommand.round4(loadSeconds[0]));
            ModelMemory base = ModelMemory.of(model);
            try (LoraModel lora = method == Method.FULL ? null : LoraModel.wrap(model, LoraConfig.builder()
                    .r(setup.rank()).alpha(2 * setup.rank()).dropout(0.05)
                    .targetModules(setup.targets().toArray(new String[0])).build())) {
                TrainableModel trainee = lora == null ? TrainableModel.full(model, Dtype.F32) : TrainableModel.lora(lora);
                out.put("trainable_parameters", trainee.trainableParameters().values().stream()
                        .mapToLong(NDArray::size).sum());
                out.put("base_weight_bytes", base.totalBytes());
                out.put("quantized_bytes_per_parameter", BenchCommand.round4(base.quantizedBytesPerParameter()));
                out.put("loaded_rss_mb", BenchCommand.round(loadedMb));
                out.put("ready_rss_mb", BenchCommand.round(BenchCommand.procStatusMb("VmRSS")));
                double[] speed = BenchCommand.trainSteps(trainee, workload, setup.gradientCheckpointing());
                out.put("gradient_checkpointing", setup.gradientCheckpointing());
                out.put("tokens_per_second", BenchCommand.round(speed[0]));
                out.put("step_seconds", BenchCommand.round4(speed[1]));
            }
        }
        out.put("peak_rss_mb", BenchCommand.round(BenchCommand.procStatusMb("VmHWM")));
        return out;
    }

    /** Every method in its own child JVM, with the planner's estimate beside each. */
    static List<Map<String, Object>> compare(Path dir, List<Method> methods, Workload workload) throws IOException {
        ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Method method : methods) {
            List<String> args = new ArrayList<>(List.of("bench", dir.toString(), "--method", method.cliName()));
            args.addAll(workload.flags());
            JsonObject measured = child(args, "bench --method " + method.cliName());
            Map<String, Object> row = new LinkedHashMap<>(Json.GSON.<Map<String, Object>>fromJson(measured,
                    Map.class));
            long overhead = Math.round(measured.get("engine_rss_mb").getAsDouble() * MIB);
            MemoryBreakdown estimate = estimate(dir.toString(), config, method, workload, overhead).memory();
            row.put("estimate_mb", mebibytes(estimate));
            rows.add(row);
        }
        return rows;
    }

    static final double MIB = 1024.0 * 1024.0;

    static Estimate estimate(String name, ModelConfig config, Method method, Workload workload, long overheadBytes) {
        return Estimate.builder().model(name, config).method(method).precision(Precision.FP32)
                .optimizer(Optimizer.ADAMW_TORCH).gradientCheckpointing(false).flashAttention(false)
                .batchSize(workload.batch()).sequenceLength(workload.seq()).rank(RANK).targetModules(TARGETS)
                .overheadBytes(Math.max(0, overheadBytes)).build();
    }

    /** The breakdown in MiB, to 0.1, as the measured columns are. */
    static Map<String, Double> mebibytes(MemoryBreakdown b) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("weights", BenchCommand.round(b.weights() / MIB));
        out.put("adapters", BenchCommand.round(b.adapters() / MIB));
        out.put("gradients", BenchCommand.round(b.gradients() / MIB));
        out.put("optimizer_states", BenchCommand.round(b.optimizerStates() / MIB));
        out.put("activations", BenchCommand.round(b.activations() / MIB));
        out.put("overhead", BenchCommand.round(b.overhead() / MIB));
        out.put("total", BenchCommand.round(b.total() / MIB));
        return out;
    }

    /**
     * Runs {@code tunebook ARGS --json} in a fresh JVM with this JVM's heap and system-property
     * settings, and returns the JSON object it prints; {@code what} names the run in errors.
     */
    static JsonObject child(List<String> args, String what) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The parent's heap and system-property settings, so every child runs as the parent would.
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-X") || arg.startsWith("-D")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(args);
        command.add("--json");
        return runJson(command, what, CHILD_ENVIRONMENT);
    }

    /**
     * The OpenMP setting bin/tunebook exports (see there), given to every child unless already set: a bench
     * started from Java (a test, a notebook) measures what `tunebook train` would use. The allocator's is set
     * in the process, by model size ({@code MallocPolicy}).
     */
    static final Map<String, String> CHILD_ENVIRONMENT = Map.of("OMP_WAIT_POLICY", "passive");

    /**
     * Runs {@code command}, with each of {@code environment} set unless the caller's environment
     * already sets it, and returns the JSON object it prints; {@code what} names the run in errors.
     */
    static JsonObject runJson(List<String> command, String what, Map<String, String> environment) throws IOException {
        Path errors = Files.createTempFile("tunebook-bench-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
            environment.forEach(builder.environment()::putIfAbsent);
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int code = p.waitFor();
            if (code != 0) {
                throw new IOException(what + " failed (exit " + code + (code == 137 ? ", killed: out of memory?" : "")
                        + "): " + Files.readString(errors).strip());
            }
            return JsonParser.parseString(out).getAsJsonObject();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + what, e);
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** The rows as an aligned table: measured peak and throughput beside the planner's estimate. */
    static String table(List<Map<String, Object>> rows, Workload workload) {
        StringColumn method = StringColumn.create("method");
        LongColumn trainable = LongColumn.create("trainable params");
        DoubleColumn base = Tables.decimals("base weights MiB", 1);
        DoubleColumn tps = Tables.decimals("train tok/s", 0);
        DoubleColumn ready = Tables.decimals("ready RSS MiB", 0);
        DoubleColumn peak = Tables.decimals("peak RSS MiB", 0);
        DoubleColumn estimate = Tables.decimals("estimate MiB", 0);
        for (Map<String, Object> r : rows) {
            method.append((String) r.get("method"));
            trainable.append(((Number) r.get("trainable_parameters")).longValue());
            base.append(((Number) r.get("base_weight_bytes")).doubleValue() / MIB);
            tps.append(((Number) r.get("tokens_per_second")).doubleValue());
            ready.append(((Number) r.get("ready_rss_mb")).doubleValue());
            peak.append(((Number) r.get("peak_rss_mb")).doubleValue());
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) r.get("estimate_mb");
            estimate.append(((Number) e.get("total")).doubleValue());
        }
        return Tables.text(Table.create("training step, batch " + workload.batch() + " x seq " + workload.seq()
                + ", float32 (each method in a fresh JVM)", method, trainable, base, tps, ready, peak, estimate));
    }
}
