package io.tunebook.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.tunebook.data.Conversation;
import io.tunebook.data.Datasets;
import io.tunebook.data.Example;
import io.tunebook.model.ChatEncoding;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.CausalLM;
import io.tunebook.model.GenerationResult;
import io.tunebook.model.GenerationSettings;
import io.tunebook.model.Generator;
import io.tunebook.model.MallocPolicy;
import io.tunebook.model.MklDispatch;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.Tensors;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.plan.Method;
import io.tunebook.quant.QuantizedLinear;
import io.tunebook.train.Batch;
import io.tunebook.train.SafePoints;
import io.tunebook.train.TokenWindows;
import io.tunebook.train.TrainableModel;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainerCallback;
import io.tunebook.train.TrainingArguments;
import io.tunebook.train.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code tunebook bench}: training, forward and generation throughput of a model on this machine,
 * with model FLOP utilisation against the matmul peak measured here, and resident memory.
 */
final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure training/forward/generation tokens per second, MFU and memory";
    }

    @Override
    public String help() {
        return "usage: tunebook bench DIR [--batch 4] [--seq 256] [--steps 10] [--gen-tokens 64]\n"
                + "                       [--memory-steps N] [--methods full,lora,qlora | --method M] [--json]\n"
                + "Full fine-tuning steps on random tokens (AdamW, no accumulation), forward passes, and greedy\n"
                + "generation with the KV cache. MFU = model FLOP/s / float32 matmul peak measured on this machine\n"
                + "(FLOPs per token: 2 x matmul weights + 4 x layers x seq x attention width, x3 for training).\n"
                + "--memory-steps N trains N steps and reports resident memory every 100 steps (flat = no leak).\n"
                + "--methods full,lora,qlora trains the same steps under each method, each in a fresh JVM (--method M\n"
                + "runs one in this process), and tables tokens/s and peak resident memory beside the planner's\n"
                + "estimate. LoRA: r 16 on q, k, v, o; QLoRA: the same on an NF4 base with double quantization.\n"
                + "--train-method full|lora|qlora picks the step the plain bench times (default full). Besides\n"
                + "generate (batch 1) it reports generate_batched (8 rows) and weights_read: a streaming read of\n"
                + "every weight, GB/s, and the batch-1 tokens/s that memory bandwidth allows for the bytes a\n"
                + "decoding step reads (a 16-bit model's weights: two a number). --rank R sets the\n"
                + "adapter's rank (alpha 2R; default 16); --train-only times the training step alone (and its peak).\n"
                + "\n"
                + "usage: tunebook bench DIR|CONFIG.json --compare [--method full|lora|qlora] [--rounds 3] [--rank 16]\n"
                + "                       [--train-only] [same shape flags]\n"
                + "                       [--pytorch-bench bench/pytorch_bench.py] [--python /usr/bin/python3] [--json]\n"
                + "tunebook and pytorch_bench.py in turn (A, B, A, B...; the same config, weights, batch, seq, thread\n"
                + "count and OMP_WAIT_POLICY), then per measure (train, forward, generate, generate_batched,\n"
                + "peak_rss) the median of each and the ratio, higher is better (memory: PyTorch over tunebook).\n"
                + "qlora is timed for tunebook alone, with the dequantization cost per pass and its share of a step.\n"
                + "A CONFIG.json (bench/configs/mid-100m.json) is run on the seeded random weights --real writes.\n"
                + "\n"
                + "usage: tunebook bench --real CONFIG.json [--phases load,lora,qlora,full,generate] [--batch 1]\n"
                + "                       [--seq 512] [--rank 16] [--steps 1] [--weights-dir DIR] [--seed N]\n"
                + "                       [--gradient-checkpointing true|false] [--measured FILE] [--json]\n"
                + "A real model's published shape: writes (or reuses) a seeded random bf16 model of CONFIG.json,\n"
                + "sharded as Hugging Face does (default bench/out/real/NAME), then runs each phase in a fresh JVM:\n"
                + "load (16-bit base), lora (r RANK on every linear layer, 16-bit base), qlora (NF4 + double\n"
                + "quantization, gradient checkpointing), full (float32, AdamW), generate (greedy, 16 new tokens after\n"
                + "32, KV cache): peak RSS, load seconds, seconds per step (the mean of --steps steps after a warm-up\n"
                + "step; --steps 0 times the first) and tokens/s, beside the planner's CPU estimate. A phase whose\n"
                + "weights cannot fit in MemAvailable is refused before anything loads (exit 1). --phases none\n"
                + "only writes the weights. --measured FILE puts earlier measurements (a --json output or a log of\n"
                + "the phase lines printed on stderr) beside today's estimates without running anything.\n"
                + "--gradient-checkpointing overrides the recipes' (on for qlora only) in every training phase.\n"
                + "\n"
                + "usage: tunebook bench DIR --eval-batches 1,8,16 [--eval-data FILE] [--eval-prompts 64] [--gen-tokens 64]\n"
                + "                       [--json]\n"
                + "Evaluation decoding: the first --eval-prompts examples of FILE (default\n"
                + "datasets/support-fr/test.jsonl), their prompts through the model's chat template, answered greedily\n"
                + "until the end of turn or --gen-tokens, with each batch size in turn (shortest prompts first, a\n"
                + "finished row replaced at once, as tunebook eval does): generated tokens/s and the ratio to the\n"
                + "first size, with the decoder's steps and the longest answer. Answers must not depend on the batch\n"
                + "size: a difference is reported as mismatches.\n"
                + "\n"
                + "usage: tunebook bench DIR --profile-decode ROWS [--steps 32] [--json]\n"
                + "libtorch's profiler around --steps greedy decoding steps of ROWS 16-token prompts (after the\n"
                + "prefill and 4 warm-up steps): outermost operators per step (those the JVM called; by name), all operators,\n"
                + "copies, native allocations and bytes, and the JVM's bytes allocated per step. Counts, not times.";
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args a = Args.parse(name(), argv, Set.of("batch", "seq", "steps", "gen-tokens", "memory-steps", "method",
                "methods", "real", "phases", "phase", "rank", "weights-dir", "seed", "gradient-checkpointing", "measured",
                "eval-batches", "eval-data", "eval-prompts", "train-method", "rounds", "pytorch-bench", "python",
                "profile-decode"),
                Set.of("json", "compare", "train-only"));
        if (a.has("real")) {
            a.expectPositionals(name(), 0);
            Path config = Path.of(a.get("real", ""));
            MethodBench.Workload workload = new MethodBench.Workload(a.getInt("batch", 1), a.getInt("seq", 512),
                    a.getInt("steps", 1));
            RealBench.Options o = new RealBench.Options(config,
                    RealBench.phases(a.get("phases", "load,lora,qlora,full,generate")), workload, a.getInt("rank", 16),
                    a.has("weights-dir") ? Path.of(a.get("weights-dir", "")) : RealBench.defaultWeightsDir(config),
                    a.has("seed") ? Long.parseLong(a.get("seed", "")) : RealBench.DEFAULT_SEED,
                    checkpointing(a), a.has("measured") ? Path.of(a.get("measured", "")) : null);
            Map<String, Object> result = RealBench.run(o); // refuses a run that cannot fit (Main: exit 1)
            System.out.println(a.has("json") ? Json.GSON.toJson(result) : RealBench.table(result));
            return 0;
        }
        String given = a.positional(name(), 0, "model directory");
        a.expectPositionals(name(), 1);
        Path dir = a.has("compare") && Files.isRegularFile(Path.of(given)) ? CompareBench.randomWeights(Path.of(given))
                : Args.existingDirectory(name(), given);
        int batch = a.getInt("batch", 4);
        int seq = a.getInt("seq", 256);
        int steps = a.getInt("steps", 10);
        MethodBench.Workload workload = new MethodBench.Workload(batch, seq, steps);
        if (a.has("eval-batches")) {
            Map<String, Object> r = evalBatches(dir, Path.of(a.get("eval-data", "datasets/support-fr/test.jsonl")),
                    a.getInt("eval-prompts", 64), a.getInt("gen-tokens", 64), a.getPositiveInts("eval-batches", List.of()));
            System.out.println(a.has("json") ? Json.GSON.toJson(r) : Json.PRETTY.toJson(r));
            return 0;
        }
        if (a.has("profile-decode")) {
            Map<String, Object> r = DecodeProfile.run(dir, a.getPositiveInts("profile-decode", List.of(1)).get(0),
                    a.getInt("steps", 32), 4);
            System.out.println(a.has("json") ? Json.GSON.toJson(r) : Json.PRETTY.toJson(r));
            return 0;
        }
        if (a.has("phase")) {
            Map<String, Object> one = RealBench.runPhase(dir, RealBench.Phase.parse(a.get("phase", "")), workload,
                    a.getInt("rank", 16), checkpointing(a));
            System.out.println(a.has("json") ? Json.GSON.toJson(one) : Json.PRETTY.toJson(one));
            return 0;
        }
        if (a.has("compare")) {
            Method m = a.has("method") ? method(a.get("method", "")) : Method.FULL;
            List<String> step = new ArrayList<>(List.of("--rank", Integer.toString(a.getInt("rank", MethodBench.RANK))));
            if (a.has("train-only")) {
                step.add("--train-only");
            }
            Map<String, Object> r = CompareBench.run(dir, m, workload, a.getInt("gen-tokens", 64),
                    a.getInt("rounds", 3), Path.of(a.get("pytorch-bench", "bench/pytorch_bench.py")),
                    a.get("python", "/usr/bin/python3"), step);
            System.out.println(a.has("json") ? Json.GSON.toJson(r) : Json.PRETTY.toJson(r));
            return 0;
        }
        if (a.has("method")) {
            Map<String, Object> one = MethodBench.runOne(dir, MethodBench.Setup.quickstart(method(a.get("method", ""))),
                    workload);
            System.out.println(a.has("json") ? Json.GSON.toJson(one) : Json.PRETTY.toJson(one));
            return 0;
        }
        if (a.has("methods")) {
            List<Method> methods = new ArrayList<>();
            for (String m : a.get("methods", "").split(",")) {
                methods.add(method(m.strip()));
            }
            List<Map<String, Object>> rows = MethodBench.compare(dir, methods, workload);
            System.out.println(a.has("json") ? Json.GSON.toJson(rows) : MethodBench.table(rows, workload));
            return 0;
        }
        int genTokens = a.getInt("gen-tokens", 64);
        int memorySteps = a.getInt("memory-steps", 0);
        Method trainMethod = a.has("train-method") ? method(a.get("train-method", "")) : Method.FULL;
        Map<String, Object> out = new LinkedHashMap<>();
        // The peak so far after each phase says which phase set the whole run's: the mid shape's 5.3 GB was
        // the forward's, not the training step's it had been taken for (bench/README.md).
        Map<String, Double> peaks = new LinkedHashMap<>();
        double[] loadSeconds = {0};
        try (CausalLM model = MethodBench.load(dir, MethodBench.Setup.quickstart(trainMethod), loadSeconds)) {
            ModelConfig c = model.config();
            double peak = matmulPeakGflops(model.manager());
            double forwardFlopsPerToken = 2.0 * matmulWeights(c)
                    + 4.0 * c.numHiddenLayers() * seq * c.numAttentionHeads() * c.headDim();
            out.put("model", dir.toString());
            out.put("parameters", model.parameterCount());
            out.put("device", model.manager().getDevice().toString());
            out.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
            out.put("blas", MklDispatch.describe()); // which kernels the matmuls ran (pytorch_bench.py's "blas" too)
            out.put("malloc", MallocPolicy.state()); // the allocator's policy for this model's size
            out.put("threads", Runtime.getRuntime().availableProcessors());
            out.put("batch", batch);
            out.put("seq", seq);
            out.put("matmul_peak_gflops", round(peak));

            int[] tokens = randomTokens(c.vocabSize(), 1 << 16);
            TokenWindows windows = new TokenWindows(tokens, 0, tokens.length, batch, seq, 1);
            // The order pytorch_bench.py follows, so that both peaks cover the same work.
            if (!a.has("train-only")) {
                out.put("forward", forward(model, windows.next(), steps, forwardFlopsPerToken, peak));
                peaks.put("forward", round(procStatusMb("VmHWM")));
                out.put("generate", generate(model, genTokens, 1));
                peaks.put("generate", round(procStatusMb("VmHWM")));
                out.put("generate_batched", generate(model, genTokens, GENERATE_BATCH));
                peaks.put("generate_batched", round(procStatusMb("VmHWM")));
                out.put("weights_read", weightsRead(model));
            }
            out.put("method", trainMethod.cliName());
            // Resident before the step: what the step itself adds is the peak less this (bench/README.md).
            out.put("rss_before_train_mb", round(procStatusMb("VmRSS")));
            if (trainMethod == Method.FULL) {
                out.put("train", train(model, workload, 3 * forwardFlopsPerToken, peak));
            } else {
                int rank = a.getInt("rank", MethodBench.RANK);
                out.put("rank", rank);
                out.put("train", adapterTrain(model, trainMethod, rank, workload, 3 * forwardFlopsPerToken, peak));
            }
            peaks.put("train", round(procStatusMb("VmHWM")));
            out.put("peak_rss_mb_after", peaks);
            if (memorySteps > 0) {
                out.put("rss_mb_by_step", memory(model, windows, memorySteps));
            }
        }
        // Linux shows VmHWM as the larger of a stored high-water mark and the current resident set, and brings the
        // stored mark up to date when the process unmaps memory, not when the kernel reclaims its pages: a later
        // reading can come out below an earlier one (CompareBenchTest saw 340.3 MiB after the training phase and
        // less at the end). The run's peak is the highest reading taken.
        double highest = procStatusMb("VmHWM");
        for (double after : peaks.values()) {
            highest = Math.max(highest, after);
        }
        out.put("peak_rss_mb", round(highest));
        System.out.println(a.has("json") ? Json.GSON.toJson(out) : Json.PRETTY.toJson(out));
        return 0;
    }

    /** {@code --gradient-checkpointing true|false}, or null for each method's recipe. */
    private Boolean checkpointing(Args a) {
        if (!a.has("gradient-checkpointing")) {
            return null;
        }
        String v = a.get("gradient-checkpointing", "");
        if (!v.equals("true") && !v.equals("false")) {
            throw new UsageException(name() + ": --gradient-checkpointing must be true or false, got '" + v + "'");
        }
        return Boolean.valueOf(v);
    }

    private Method method(String value) {
        try {
            return Method.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": " + e.getMessage());
        }
    }

    private static long matmulWeights(ModelConfig c) {
        long d = c.hiddenSize();
        long attention = d * c.headDim() * (2L * c.numAttentionHeads() + 2L * c.numKeyValueHeads());
        long mlp = 3L * d * c.intermediateSize();
        return c.numHiddenLayers() * (attention + mlp) + (long) c.vocabSize() * d;
    }

    private static Map<String, Object> forward(CausalLM model, Batch b, int steps, double flopsPerToken, double peak) {
        Shape shape = new Shape(b.rows(), b.length());
        long[] flat = new long[b.rows() * b.length()];
        for (int i = 0; i < b.rows(); i++) {
            System.arraycopy(b.inputIds()[i], 0, flat, i * b.length(), b.length());
        }
        double seconds = 0;
        for (int i = 0; i <= steps; i++) {
            SafePoints.stopIfInterrupted();
            try (NDManager m = model.manager().newSubManager()) {
                long t0 = System.nanoTime();
                model.transformer().forward(Tensors.of(m, flat, shape), null, null, null).toFloatArray();
                if (i > 0) { // the first pass warms up the engine
                    seconds += (System.nanoTime() - t0) / 1e9;
                }
            }
        }
        double tps = (double) steps * flat.length / seconds;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tokens_per_second", round(tps));
        r.put("mfu", round4(tps * flopsPerToken / (peak * 1e9)));
        return r;
    }

    private static Map<String, Object> train(CausalLM model, MethodBench.Workload workload, double flopsPerToken,
            double peak) {
        double[] speed = trainSteps(TrainableModel.full(model, Dtype.F32), workload, false);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tokens_per_second", round(speed[0]));
        r.put("step_seconds", round4(speed[1]));
        r.put("mfu", round4(speed[0] * flopsPerToken / (peak * 1e9)));
        return r;
    }

    /**
     * {@code steps + 1} optimizer steps on random token windows, AdamW at lr 1e-5, no accumulation;
     * returns {tokens per second, seconds per step} over all but the first (warm-up) step.
     */
    static double[] trainSteps(TrainableModel trainee, MethodBench.Workload workload, boolean gradientCheckpointing) {
        int[] tokens = randomTokens(trainee.model().config().vocabSize(), 1 << 16);
        TokenWindows windows = new TokenWindows(tokens, 0, tokens.length, workload.batch(), workload.seq(), 1);
        TrainingArguments args = TrainingArguments.builder().maxSteps(workload.steps() + 1).gradientAccumulationSteps(1)
                .learningRate(1e-5).loggingSteps(1).gradientCheckpointing(gradientCheckpointing).build();
        double tokensPerStep = (double) workload.batch() * workload.seq();
        double[] seconds = {0};
        int[] measured = {0};
        try (Trainer trainer = Trainer.builder().model(trainee).arguments(args)
                .trainData(TrainingData.endless(() -> windows)).callback(new TrainerCallback() {
                @Override
                public void onStep(io.tunebook.train.StepMetrics m) {
                    if (m.step() > 1 || workload.steps() == 0) { // the first step warms up the engine
                        seconds[0] += tokensPerStep / m.tokensPerSecond();
                        measured[0]++;
                    }
                    if (m.step() == 1 && PROFILE != null) {
                        ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
                    }
                }
            }).build()) {
            trainer.train();
        }
        if (PROFILE != null && workload.steps() > 0) {
            ai.djl.pytorch.jni.JniUtils.stopProfile(PROFILE);
        }
        SafePoints.stopIfInterrupted(); // a signal stopped the trainer early: no figures from a partial run
        return new double[] {measured[0] * tokensPerStep / seconds[0], seconds[0] / measured[0]};
    }

    /**
     * {@code -Dtunebook.bench.profile=FILE}: libtorch's profiler records the measured training steps (every
     * native op, its shapes and time) into FILE, a Chrome trace; bench/op_profile.py sums it per op.
     */
    private static final String PROFILE = System.getProperty("tunebook.bench.profile");

    /** Rows of the batched greedy measure ({@code generate_batched}), as pytorch_bench.py's {@code --gen-batch}. */
    static final int GENERATE_BATCH = 8;

    /** Greedy decoding of {@code rows} random 16-token prompts (pytorch_bench.py draws the same ones), no EOS. */
    private static Map<String, Object> generate(CausalLM model, int newTokens, int rows) {
        Random random = new Random(3);
        List<long[]> prompts = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            long[] prompt = new long[16];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = random.nextInt(model.config().vocabSize());
            }
            prompts.add(prompt);
        }
        GenerationSettings settings = GenerationSettings.builder().maxNewTokens(newTokens).eosTokenIds(List.of()).build();
        Generator generator = Generator.of(model);
        generator.generateIds(prompts, GenerationSettings.builder().maxNewTokens(4).eosTokenIds(List.of()).build(), null);
        long t0 = System.nanoTime();
        int produced = generator.generateIds(prompts, settings, null).stream().mapToInt(g -> g.ids().length).sum();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tokens_per_second", round(produced / seconds));
        r.put("prompt_tokens", 16);
        r.put("new_tokens", produced);
        if (rows > 1) {
            r.put("rows", rows);
        }
        return r;
    }

    /**
     * What memory bandwidth allows batch-1 decoding: every weight a step reads is read once per
     * token, so tokens/s cannot exceed (bytes read per second) / (bytes a step reads). The bytes per
     * second are measured here by summing every weight (a streaming read) a few times; the bytes a
     * step reads are the decoder's (a 16-bit model's weights count two bytes a number, see
     * {@code Transformer.decodingWeightBytes}).
     */
    private static Map<String, Object> weightsRead(CausalLM model) {
        List<NDArray> weights = new ArrayList<>(model.transformer().parameters().values());
        long bytes = 0;
        for (NDArray w : weights) {
            bytes += w.size() * w.getDataType().getNumOfBytes();
        }
        double best = Double.MAX_VALUE;
        try (NDManager m = model.manager().newSubManager()) {
            for (int pass = 0; pass < 4; pass++) {
                long t0 = System.nanoTime();
                for (NDArray w : weights) {
                    try (NDArray sum = w.sum()) {
                        sum.getFloat(); // waits for the read
                    }
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
        }
        long stepBytes = model.transformer().decodingWeightBytes();
        double perSecond = bytes / best;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("dense_weight_bytes", bytes);
        r.put("step_weight_bytes", stepBytes);
        r.put("gb_per_second", round(perSecond / 1e9));
        r.put("generate_bound_tokens_per_second", round(perSecond / stepBytes));
        return r;
    }

    /**
     * A LoRA step (r {@code rank}, alpha 2r, dropout 0.05 on q, k, v, o, as pytorch_bench.py --method lora) on
     * this model; on an NF4 base (QLoRA) also what dequantizing every quantized weight once costs,
     * and its share of a step (each quantized weight is dequantized in the forward and again in the
     * backward).
     */
    private static Map<String, Object> adapterTrain(CausalLM model, Method method, int rank,
            MethodBench.Workload workload, double flopsPerToken, double peak) {
        MethodBench.Setup q = MethodBench.Setup.quickstart(method);
        MethodBench.Setup setup = new MethodBench.Setup(method, q.targets(), rank, q.baseDtype(), q.gradientCheckpointing());
        Map<String, Object> r = new LinkedHashMap<>();
        double dequantize = method == Method.QLORA ? dequantizeSeconds(model) : 0;
        try (LoraModel lora = LoraModel.wrap(model, LoraConfig.builder().r(setup.rank()).alpha(2 * setup.rank())
                .dropout(0.05).targetModules(setup.targets().toArray(new String[0])).build())) {
            double[] speed = trainSteps(TrainableModel.lora(lora), workload, setup.gradientCheckpointing());
            r.put("tokens_per_second", round(speed[0]));
            r.put("step_seconds", round4(speed[1]));
            r.put("mfu", round4(speed[0] * flopsPerToken / (peak * 1e9)));
            if (method == Method.QLORA) {
                int passes = setup.gradientCheckpointing() ? 3 : 2;
                r.put("dequantize_seconds_per_pass", round4(dequantize));
                r.put("dequantize_share_of_step", round4(passes * dequantize / speed[1]));
            }
        }
        return r;
    }

    /** Best of three: seconds to dequantize every NF4 weight of the model to float32 once. */
    private static double dequantizeSeconds(CausalLM model) {
        List<QuantizedLinear> quantized = new ArrayList<>();
        model.transformer().replaceProjections(p -> {
            if (p instanceof QuantizedLinear q) {
                quantized.add(q);
            }
            return p;
        });
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 3; pass++) {
            long t0 = System.nanoTime();
            for (QuantizedLinear q : quantized) {
                try (NDManager m = model.manager().newSubManager()) {
                    q.weight().dequantize(m, DataType.FLOAT32);
                }
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** Greedy answers to a test split's prompts at each batch size: tokens/s, and whether the answers stayed the same. */
    private static Map<String, Object> evalBatches(Path model, Path data, int count, int newTokens, List<Integer> sizes) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (CausalLM lm = CausalLM.load(model)) {
            ChatEncoding chat = ChatEncoding.of(lm);
            List<long[]> prompts = new ArrayList<>();
            for (Example e : Datasets.load(data).examples()) {
                if (prompts.size() == count) {
                    break;
                }
                Conversation c = e.conversation();
                prompts.add(chat.promptIds((c.endsWithAssistant() ? c.withoutLast() : c).messages()));
            }
            GenerationSettings settings = chat.untilEndOfTurn(GenerationSettings.greedy(newTokens));
            Generator generator = Generator.of(lm);
            generator.generateIds(prompts.subList(0, Math.min(2, prompts.size())), settings, 2, () -> { }); // warm-up
            out.put("model", model.toString());
            out.put("data", data.toString());
            out.put("prompts", prompts.size());
            out.put("prompt_tokens", prompts.stream().mapToLong(p -> p.length).sum());
            out.put("max_new_tokens", newTokens);
            List<Map<String, Object>> rows = new ArrayList<>();
            List<GenerationResult> first = null;
            for (int size : sizes) {
                int[] steps = {0};
                long t0 = System.nanoTime();
                List<GenerationResult> results = generator.generateIds(prompts, settings, size, () -> {
                    SafePoints.stopIfInterrupted();
                    steps[0]++;
                });
                double seconds = (System.nanoTime() - t0) / 1e9;
                long tokens = results.stream().mapToLong(r -> r.ids().length).sum();
                int mismatches = 0;
                if (first == null) {
                    first = results;
                } else {
                    for (int i = 0; i < results.size(); i++) {
                        mismatches += Arrays.equals(results.get(i).ids(), first.get(i).ids()) ? 0 : 1;
                    }
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("batch", size);
                row.put("new_tokens", tokens);
                row.put("decoder_steps", steps[0]);
                row.put("longest_answer", results.stream().mapToInt(r -> r.ids().length).max().orElse(0));
                row.put("seconds", round4(seconds));
                row.put("tokens_per_second", round(tokens / seconds));
                row.put("mismatches", mismatches);
                rows.add(row);
                System.err.println("bench: eval batch " + size + ": " + row);
            }
            double base = (double) rows.get(0).get("tokens_per_second");
            for (Map<String, Object> row : rows) {
                row.put("ratio_to_first", round4((double) row.get("tokens_per_second") / base));
            }
            out.put("batches", rows);
        }
        return out;
    }

    private static Map<String, Object> memory(CausalLM model, TokenWindows windows, int steps) {
        TrainingArguments args = TrainingArguments.builder().maxSteps(steps).gradientAccumulationSteps(1)
                .learningRate(1e-5).loggingSteps(1).build();
        Map<String, Object> rss = new LinkedHashMap<>();
        try (Trainer trainer = Trainer.builder().fullFineTuning(model).arguments(args)
                .trainData(TrainingData.endless(() -> windows)).callback(new TrainerCallback() {
                @Override
                public void onStep(io.tunebook.train.StepMetrics m) {
                    if (m.step() == 1 || m.step() % 100 == 0) {
                        rss.put(Integer.toString(m.step()), round(procStatusMb("VmRSS")));
                    }
                }
            }).build()) {
            trainer.train();
        }
        return rss;
    }

    /** Best float32 GFLOP/s over square matmuls of a few sizes: the peak MFU is measured against. */
    static double matmulPeakGflops(NDManager parent) {
        double best = 0;
        try (NDManager m = parent.newSubManager()) {
            for (int n : new int[] {512, 1024, 2048}) {
                NDArray x = m.randomNormal(new Shape(n, n));
                NDArray y = m.randomNormal(new Shape(n, n));
                x.matMul(y).close();
                int reps = Math.max(2, (int) (4e9 / (2.0 * n * n * n)));
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    x.matMul(y).close();
                }
                double s = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, 2.0 * n * n * n * reps / s / 1e9);
            }
        }
        return best;
    }

    static int[] randomTokens(int vocab, int n) {
        Random random = new Random(7);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = random.nextInt(vocab);
        }
        return t;
    }

    static double procStatusMb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
