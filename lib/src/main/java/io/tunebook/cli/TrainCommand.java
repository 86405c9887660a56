package io.tunebook.cli;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.tunebook.data.ChatTemplate;
import io.tunebook.data.Dataset;
import io.tunebook.data.DatasetLoader;
import io.tunebook.data.TokenizedDataset;
import io.tunebook.data.Datasets;
import io.tunebook.data.Truncation;
import io.tunebook.display.ConsoleProgress;
import io.tunebook.lora.LoraBias;
import io.tunebook.lora.LoraConfig;
import io.tunebook.lora.LoraException;
import io.tunebook.lora.LoraInit;
import io.tunebook.lora.LoraModel;
import io.tunebook.lora.TargetModules;
import io.tunebook.model.CausalLM;
import io.tunebook.model.LoadOptions;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.Tokenizer;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.plan.Estimate;
import io.tunebook.plan.Hardware;
import io.tunebook.plan.HostMemory;
import io.tunebook.plan.Optimizer;
import io.tunebook.quant.ModelMemory;
import io.tunebook.quant.QuantConfig;
import io.tunebook.quant.QuantType;
import io.tunebook.quant.Quantizer;
import io.tunebook.train.Batch;
import io.tunebook.train.Checkpoints;
import io.tunebook.train.IntervalStrategy;
import io.tunebook.train.Precision;
import io.tunebook.train.SchedulerType;
import io.tunebook.train.PreferenceData;
import io.tunebook.train.PreferenceLoss;
import io.tunebook.train.SftData;
import io.tunebook.train.TextCorpus;
import io.tunebook.train.TokenWindows;
import io.tunebook.train.TrainableModel;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainingArguments;
import io.tunebook.train.TrainingData;
import io.tunebook.train.TrainingDivergedException;
import io.tunebook.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code tunebook train CONFIG.yaml}: a run described in YAML, in the spirit of Axolotl's files and
 * with the names of the builders: supervised fine-tuning of chat or instruction data (full, LoRA, or
 * QLoRA: LoRA on a base quantized by {@link Quantizer}), or pretraining on raw text. The run
 * directory receives the trained artifact ({@code adapter/} in PEFT's layout, or {@code model/}),
 * {@code checkpoint-STEP/} directories, {@code metrics.jsonl} and {@code config.yaml} (the resolved
 * settings).
 */
final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a model (full, LoRA or QLoRA; DPO or ORPO on adapters) from a YAML run config";
    }

    @Override
    public String help() {
        return "usage: tunebook train CONFIG.yaml [--max-steps N] [--output DIR] [--resume CHECKPOINT|latest]\n"
                + "                          [--overwrite] [--device D]\n"
                + "Runs the training described by CONFIG.yaml (see examples/). --max-steps and --output override\n"
                + "training.max_steps and output.dir; --resume continues from a checkpoint directory of the run (or the\n"
                + "newest one), which must have the same settings but for step limits; an output directory holding\n"
                + "another run is refused unless --overwrite, which clears it first. SIGTERM or Ctrl-C stops at the\n"
                + "next step boundary with a checkpoint of that step (exit 143 or 130). --device overrides\n"
                + "model.device. Unknown keys are errors; relative paths are relative to the file's directory.\n"
                + "Sections:\n"
                + "  model: path | init_config + tokenizer (+ init_seed) to pretrain from scratch; device (cpu | gpu |\n"
                + "        gpu:N); dtype (auto | float32 | float16 | bfloat16) holds the frozen base in 16 bits: default\n"
                + "        auto (config.json's torch_dtype) for lora and qlora, float32 for full\n"
                + "  data: train, validation (JSONL/JSON files, any supported format), format, chat_template (a built-in:\n"
                + "        " + String.join(", ", ChatTemplate.BUILT_IN) + "; default the model's), train_on_inputs,\n"
                + "        truncation (drop | truncate_right | truncate_left)\n"
                + "        or text, validation_fraction, eval_batches to pretrain on raw text\n"
                + "  lora (PEFT's names; alpha, dropout, init also read): r, lora_alpha, lora_dropout, target_modules\n"
                + "        (names, a regex, or all-linear), bias (none | all | lora_only), use_rslora, use_dora,\n"
                + "        init_lora_weights (kaiming_uniform | gaussian), modules_to_save, layers_to_transform; or\n"
                + "        model_dir, a PEFT adapter to start from (its own settings)\n"
                + "  quantization (method qlora): type (nf4 | fp4 | int8), block_size, double_quant, compute_dtype (f32);\n"
                + "        the base's projections are quantized before the LoRA adapters are added\n"
                + "  training: method (full | lora | qlora | dpo | orpo: preference tuning of adapters on\n"
                + "        prompt/chosen/rejected pairs, on a quantized base with a quantization section), beta (0.1),\n"
                + "        loss_type (dpo: sigmoid | ipo | hinge), label_smoothing, reference (dpo: base | adapter, the\n"
                + "        frozen lora.model_dir; default adapter when given); Hugging Face's names (the Axolotl-like\n"
                + "        ones in brackets are read too, not both): num_train_epochs (num_epochs), max_steps,\n"
                + "        per_device_train_batch_size (micro_batch_size), per_device_eval_batch_size (eval_batch_size),\n"
                + "        gradient_accumulation_steps, max_seq_length (sequence_len), packing (sample_packing),\n"
                + "        learning_rate, lr_scheduler_type (lr_scheduler), warmup_steps, warmup_ratio, weight_decay,\n"
                + "        max_grad_norm, adam_beta1, adam_beta2, adam_epsilon, precision (or bf16 / fp16: true),\n"
                + "        logging_steps, eval_strategy, eval_steps, save_strategy, save_steps, save_total_limit,\n"
                + "        early_stopping_patience, early_stopping_threshold, load_best_model_at_end, seed,\n"
                + "        gradient_checkpointing (default: on for qlora and 16-bit bases, off for float32 ones),\n"
                + "        output_dir (or output.dir); a key left out takes the library's default\n"
                + "  output: dir, save_dtype (full fine-tuning: f32 | f16 | bf16)";
    }

    @Override
    public int run(String[] argv) throws IOException {
        // A signal while the model and data load is answered before training starts, not by interrupting
        // the load (an interrupted read closes its file).
        try (Shutdown.Registration loading = Shutdown.onStop(() -> { })) {
            return train(argv);
        }
    }

    private int train(String[] argv) throws IOException {
        Args a = Args.parse(name(), argv, Set.of("max-steps", "output", "resume", DeviceOption.FLAG),
                Set.of("overwrite"));
        Path configFile = Args.existingFile(name(), a.positional(name(), 0, "CONFIG.yaml"));
        a.expectPositionals(name(), 1);
        String file = configFile.toString();
        Path base = configFile.toAbsolutePath().getParent();
        YamlSection root = YamlSection.load(name(), configFile);

        YamlSection modelSection = root.section("model");
        String modelPath = modelSection.string("path", null);
        String initConfig = modelSection.string("init_config", null);
        String tokenizerDir = modelSection.string("tokenizer", null);
        int initSeed = modelSection.integer("init_seed", 0);
        Device device = DeviceOption.fromRun(name(), a, modelSection, file);
        String dtypeSetting = modelSection.string("dtype", null);
        modelSection.finish();
        if ((modelPath == null) == (initConfig == null)) {
            throw new UsageException(file + ": give exactly one of model.path or model.init_config");
        }
        if (initConfig != null && tokenizerDir == null) {
            throw new UsageException(file + ": model.init_config needs model.tokenizer (a directory with tokenizer.json)");
        }

        DataPlan data = DataPlan.read(root.section("data"), base, file);
        YamlSection t = root.section("training");
        String method = t.string("method", root.has("quantization") ? "qlora" : root.has("lora") ? "lora" : "full");
        if (!List.of("full", "lora", "qlora", "dpo", "orpo").contains(method)) {
            throw new UsageException(file + ": training.method must be full, lora, qlora, dpo or orpo, got '" + method
                    + "'");
        }
        // Preference tuning trains adapters: on a quantized base with a quantization section (QLoRA), else LoRA.
        PreferencePlan preference = PreferencePlan.read(t, method, file);
        if (preference != null) {
            method = root.has("quantization") ? "qlora" : "lora";
        }
        YamlSection loraSection = method.equals("full") ? null : root.section("lora");
        Path startAdapter = loraSection == null || !loraSection.has("model_dir") ? null
                : resolve(base, loraSection.string("model_dir", null));
        LoraConfig lora = method.equals("full") ? null : startAdapter != null
                ? adapterConfig(startAdapter, file)
                : loraConfig(loraSection, file);
        if (startAdapter != null) {
            loraSection.finish();
        }
        String reference = preference == null ? null : preference.reference(startAdapter != null, file);
        if (lora == null && root.has("lora")) {
            throw new UsageException(file + ": a lora section needs training.method lora or qlora, not " + method);
        }
        QuantConfig quantization = method.equals("qlora") ? quantConfig(root.section("quantization"), file) : null;
        if (quantization == null && root.has("quantization")) {
            throw new UsageException(file + ": a quantization section needs training.method qlora, not " + method);
        }
        if (quantization != null && modelPath == null) {
            throw new UsageException(file + ": training.method qlora quantizes a pretrained base: give model.path");
        }
        LoadOptions loadOptions = loadOptions(modelSection, dtypeSetting, method, initConfig != null, device, file);
        if (preference != null && data.isText()) {
            throw new UsageException(file + ": training.method " + preference.name() + " trains on preference pairs "
                    + "(data.train), not on raw text");
        }
        TrainingArguments args = arguments(t, a, file, data.isText());
        // transformers keeps the output directory among the training arguments; output.dir is the other spelling.
        String outputDir = t.has("output_dir") ? t.string("output_dir", null) : null;
        t.finish();

        YamlSection output = root.section("output");
        if (outputDir != null && output.has("dir")) {
            throw new UsageException(file + ": 'training.output_dir' and 'output.dir' are one setting under two names:"
                    + " keep one");
        }
        Path inFile = resolve(base, outputDir != null ? outputDir : output.string("dir", "runs/train"));
        Path runDir = a.has("output") ? Path.of(a.get("output", "")) : inFile;
        output.override("dir", runDir.toString());
        String dtypeName = output.string("save_dtype", "f32");
        Dtype saveDtype = switch (dtypeName) {
            case "f32" -> Dtype.F32;
            case "f16" -> Dtype.F16;
            case "bf16" -> Dtype.BF16;
            default -> throw new UsageException(file + ": output.save_dtype must be f32, f16 or bf16, got '"
                    + dtypeName + "'");
        };
        output.finish();
        root.finish();
        Path resume = a.has("resume") ? checkpoint(a.get("resume", ""), runDir) : null;

        if (modelPath != null) {
            // A preference batch holds each pair's chosen and rejected rows.
            refuseIfWeightsCannotFit(resolve(base, modelPath), method, lora, loadOptions, args,
                    preference == null ? 1 : 2);
        }
        RunDirectory.prepare(name(), runDir, resume, root.resolved(), a.has("overwrite"));
        Files.createDirectories(runDir);
        writeResolvedConfig(runDir.resolve(RunDirectory.CONFIG), root.resolved());
        try (CausalLM model = modelPath != null ? load(resolve(base, modelPath), quantization, loadOptions)
                : CausalLM.initialize(ModelConfig.read(resolve(base, initConfig)),
                        Tokenizer.load(resolve(base, tokenizerDir)), initSeed, device);
                LoraModel adapter = lora == null ? null : startAdapter != null ? LoraModel.load(model, startAdapter)
                        : LoraModel.wrap(model, lora.toBuilder().baseModelNameOrPath(modelPath).build())) {
            if (reference != null) {
                adapter.loadAdapter(startAdapter, reference); // the starting adapter, once more, kept frozen
            }
            TrainableModel trainee = adapter == null ? TrainableModel.full(model, saveDtype)
                    : TrainableModel.lora(adapter, reference);
            System.err.printf("model: %,d parameters%s%n", model.parameterCount(),
                    adapter == null ? " (all trained)" : "; " + adapter.parameterCounts());
            Trainer.Builder builder = Trainer.builder().model(trainee).arguments(args).outputDir(runDir)
                    .callback(ConsoleProgress.toStandardError());
            if (preference != null) {
                builder.preference(preference.loss());
            }
            data.feed(builder, model.tokenizer(), args, preference != null);
            if (Shutdown.requested()) {
                System.err.println("tunebook train: stopped before the first step; nothing written");
                return 130;
            }
            int exit = 0;
            try (Trainer trainer = builder.build();
                    Shutdown.Registration signal = Shutdown.onStop(trainer::requestStop)) {
                System.err.printf("training: %d steps, effective batch %d, gradient checkpointing %s%n",
                        trainer.totalSteps(), args.effectiveBatchSize(), trainer.gradientCheckpointing() ? "on" : "off");
                TrainingResult result = resume == null ? trainer.train() : trainer.train(resume);
                if (result.stopReason() == TrainingResult.StopReason.INTERRUPTED) {
                    System.err.println("tunebook train: stopped at step " + result.steps() + " of "
                            + result.totalSteps() + "; continue with --resume latest");
                    exit = 130;
                }
            } catch (TrainingDivergedException e) {
                System.err.println("tunebook train: " + e.getMessage());
                exit = 1;
            }
            Path artifact = runDir.resolve(trainee.artifactName());
            System.err.println(exit == 1 ? "saved the last good weights to " + artifact : "saved " + artifact);
            return exit;
        }
    }

    /**
     * The planner's up-front check ({@link HostMemory}): a base whose weights, as this run holds them
     * (in the load's storage dtype, QLoRA's projections in 4 bits), exceed the available memory is
     * refused before anything loads; on the CPU, an estimated peak beyond it is a warning.
     */
    private static void refuseIfWeightsCannotFit(Path modelDir, String method, LoraConfig lora, LoadOptions options,
            TrainingArguments args, int rowsPerExample) {
        Path configFile = modelDir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            return; // the load reports the missing file
        }
        ModelConfig config = ModelConfig.read(configFile);
        String name = modelDir.getFileName() == null ? modelDir.toString() : modelDir.getFileName().toString();
        Precision storage = options.storage(config.torchDtype()) == DataType.FLOAT32
                ? Precision.FP32 : Precision.FP16;
        Estimate run = Estimate.builder().model(name, config).method(io.tunebook.plan.Method.parse(method))
                .hardware(Hardware.CPU).precision(storage).optimizer(Optimizer.ADAMW_TORCH)
                .overheadBytes(Hardware.CPU_ENGINE_BYTES).rank(lora == null ? 16 : lora.r())
                .batchSize(args.perDeviceTrainBatchSize() * rowsPerExample).sequenceLength(args.maxSeqLength())
                .flashAttention(false)
                // The Trainer's default: on for quantized and 16-bit bases.
                .gradientCheckpointing(args.gradientCheckpointing() != null ? args.gradientCheckpointing()
                        : method.equals("qlora") || storage != Precision.FP32)
                .build();
        HostMemory.requireWeightsFit(run);
        ai.djl.Device device = options.device().orElseGet(() -> ai.djl.engine.Engine.getInstance().defaultDevice());
        if (device.getDeviceType().equals(ai.djl.Device.Type.CPU)) {
            HostMemory.peakWarning(run).ifPresent(w -> System.err.println("tunebook train: warning: " + w));
        }
    }

    /**
     * The training section under Hugging Face's {@code TrainingArguments} / TRL's names, with today's Axolotl-like
     * spellings accepted as aliases (both spellings in one file: an error naming both keys).
     */
    static final String[] TRAINING_ALIASES = {"num_train_epochs", "num_epochs",
        "per_device_train_batch_size", "micro_batch_size", "per_device_eval_batch_size", "eval_batch_size",
        "max_seq_length", "sequence_len", "packing", "sample_packing", "lr_scheduler_type", "lr_scheduler"};

    /** PEFT's {@code LoraConfig} names, with the shorter spellings as aliases. */
    static final String[] LORA_ALIASES = {"lora_alpha", "alpha", "lora_dropout", "dropout", "init_lora_weights", "init"};

    /** Raw text has no epochs to count (its windows are endless): a pretraining run stops here unless told. */
    private static final int PRETRAINING_MAX_STEPS = 1000;

    /**
     * Only the keys the file holds reach the builder: every default is {@link TrainingArguments.Builder}'s. The
     * resolved config then records each setting as the run uses it.
     */
    private static TrainingArguments arguments(YamlSection t, Args a, String file, boolean pretraining) {
        t.aliases(TRAINING_ALIASES);
        TrainingArguments defaults = TrainingArguments.builder().build();
        TrainingArguments.Builder b = TrainingArguments.builder();
        try {
            if (pretraining) {
                b.maxSteps(PRETRAINING_MAX_STEPS);
            }
            t.ifInteger("num_train_epochs", b::numTrainEpochs);
            t.ifInteger("max_steps", b::maxSteps);
            if (a.has("max-steps")) {
                b.maxSteps(a.getInt("max-steps", 0));
            }
            t.ifInteger("per_device_train_batch_size", b::perDeviceTrainBatchSize);
            t.ifInteger("per_device_eval_batch_size", b::perDeviceEvalBatchSize);
            t.ifInteger("gradient_accumulation_steps", b::gradientAccumulationSteps);
            t.ifInteger("max_seq_length", b::maxSeqLength);
            t.ifBool("packing", b::packing);
            t.ifNumber("learning_rate", b::learningRate);
            t.ifString("lr_scheduler_type", v -> b.lrScheduler(SchedulerType.parse(v)));
            t.ifInteger("warmup_steps", b::warmupSteps);
            t.ifNumber("warmup_ratio", b::warmupRatio);
            t.ifNumber("weight_decay", b::weightDecay);
            t.ifNumber("max_grad_norm", b::maxGradNorm);
            b.adamBetas(t.has("adam_beta1") ? t.number("adam_beta1", 0) : defaults.adamBeta1(),
                    t.has("adam_beta2") ? t.number("adam_beta2", 0) : defaults.adamBeta2());
            t.ifNumber("adam_epsilon", b::adamEpsilon);
            precision(t, b, file);
            t.ifInteger("logging_steps", b::loggingSteps);
            t.ifString("eval_strategy", v -> b.evalStrategy(IntervalStrategy.parse("eval_strategy", v)));
            t.ifString("save_strategy", v -> b.saveStrategy(IntervalStrategy.parse("save_strategy", v)));
            t.ifInteger("save_total_limit", b::saveTotalLimit);
            b.earlyStopping(t.has("early_stopping_patience") ? t.integer("early_stopping_patience", 0)
                    : defaults.earlyStoppingPatience(), t.has("early_stopping_threshold")
                    ? t.number("early_stopping_threshold", 0) : defaults.earlyStoppingThreshold());
            t.ifBool("load_best_model_at_end", b::loadBestModelAtEnd);
            t.ifInteger("seed", b::seed);
            t.ifBool("gradient_checkpointing", b::gradientCheckpointing);
            // After the strategies, as before: a step count also switches its strategy to steps; 0 saves nothing.
            t.ifInteger("eval_steps", n -> {
                if (n > 0) {
                    b.evalSteps(n);
                }
            });
            t.ifInteger("save_steps", n -> {
                if (n > 0) {
                    b.saveSteps(n);
                } else {
                    b.saveStrategy(IntervalStrategy.NO);
                }
            });
            TrainingArguments args = b.build();
            record(t, args);
            return args;
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": training: " + e.getMessage());
        }
    }

    /** {@code precision: fp32 | bf16 | fp16}, or transformers' switches {@code bf16: true} / {@code fp16: true}; one of them. */
    private static void precision(YamlSection t, TrainingArguments.Builder b, String file) {
        List<String> given = new ArrayList<>();
        t.ifString("precision", v -> {
            b.precision(Precision.parse(v));
            given.add("precision");
        });
        for (Precision p : List.of(Precision.BF16, Precision.FP16)) {
            t.ifBool(p.cliName(), on -> {
                if (on) {
                    b.precision(p);
                    given.add(p.cliName());
                }
            });
        }
        if (given.size() > 1) {
            throw new UsageException(file + ": training." + given.get(0) + " and training." + given.get(1)
                    + " both set the precision: keep one");
        }
    }

    /** The run's settings as it uses them, defaults included, under the names the file may use. */
    private static void record(YamlSection t, TrainingArguments args) {
        t.override("num_train_epochs", args.numTrainEpochs());
        t.override("max_steps", args.maxSteps());
        t.override("per_device_train_batch_size", args.perDeviceTrainBatchSize());
        t.override("per_device_eval_batch_size", args.perDeviceEvalBatchSize());
        t.override("gradient_accumulation_steps", args.gradientAccumulationSteps());
        t.override("max_seq_length", args.maxSeqLength());
        t.override("packing", args.packing());
        t.override("learning_rate", args.learningRate());
        t.override("lr_scheduler_type", args.lrScheduler().name().toLowerCase(Locale.ROOT));
        t.override("warmup_steps", args.warmupSteps());
        t.override("warmup_ratio", args.warmupRatio());
        t.override("weight_decay", args.weightDecay());
        t.override("max_grad_norm", args.maxGradNorm());
        t.override("adam_beta1", args.adamBeta1());
        t.override("adam_beta2", args.adamBeta2());
        t.override("adam_epsilon", args.adamEpsilon());
        t.override("precision", args.precision().cliName());
        t.override("logging_steps", args.loggingSteps());
        t.override("eval_strategy", args.evalStrategy().name().toLowerCase(Locale.ROOT));
        t.override("eval_steps", args.evalSteps());
        t.override("save_strategy", args.saveStrategy().name().toLowerCase(Locale.ROOT));
        t.override("save_steps", args.saveSteps());
        t.override("save_total_limit", args.saveTotalLimit());
        t.override("early_stopping_patience", args.earlyStoppingPatience());
        t.override("early_stopping_threshold", args.earlyStoppingThreshold());
        t.override("load_best_model_at_end", args.loadBestModelAtEnd());
        t.override("seed", args.seed());
        if (args.gradientCheckpointing() != null) {
            t.override("gradient_checkpointing", args.gradientCheckpointing());
        }
    }

    private static LoraConfig loraConfig(YamlSection l, String file) {
        l.aliases(LORA_ALIASES);
        try {
            LoraConfig.Builder b = LoraConfig.builder();
            l.ifInteger("r", b::r);
            l.ifNumber("lora_alpha", b::alpha);
            l.ifNumber("lora_dropout", b::dropout);
            l.ifString("bias", v -> b.bias(LoraBias.fromPeftName(v)));
            l.ifBool("use_rslora", b::useRslora);
            l.ifBool("use_dora", b::useDora);
            l.ifString("init_lora_weights", v -> b.initLoraWeights(LoraInit.valueOf(v.toUpperCase(Locale.ROOT))));
            b.modulesToSave(l.strings("modules_to_save")).layersToTransform(l.integers("layers_to_transform"));
            Object targets = l.raw("target_modules");
            if (targets instanceof String s) {
                b.targetModules(s.equals(TargetModules.ALL_LINEAR) ? TargetModules.allLinear() : TargetModules.regex(s));
            } else if (targets != null) {
                b.targetModules(l.strings("target_modules").toArray(new String[0]));
            }
            l.finish();
            LoraConfig config = b.build();
            l.override("r", config.r());
            l.override("lora_alpha", config.alpha());
            l.override("lora_dropout", config.dropout());
            l.override("bias", config.bias().peftName());
            l.override("use_rslora", config.useRslora());
            l.override("use_dora", config.useDora());
            l.override("init_lora_weights", config.initLoraWeights().name().toLowerCase(Locale.ROOT));
            return config;
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": lora: " + e.getMessage());
        }
    }

    /**
     * The {@code quantization} section, bitsandbytes' settings under Axolotl-like names. It is recorded
     * in the run's {@code config.yaml} only: the adapter stays plain PEFT, loadable on the dense base
     * or a quantized one, and PEFT versions before its forward-compatibility filter refuse
     * {@code adapter_config.json} fields they do not know.
     */
    private static QuantConfig quantConfig(YamlSection q, String file) {
        String type = q.string("type", "nf4");
        int blockSize = q.integer("block_size", 64);
        boolean doubleQuant = q.bool("double_quant", true);
        String computeDtype = q.string("compute_dtype", "f32");
        q.finish();
        if (!List.of("nf4", "fp4", "int8").contains(type)) {
            throw new UsageException(file + ": quantization.type must be nf4, fp4 or int8, got '" + type + "'");
        }
        if (!computeDtype.equals("f32")) {
            throw new UsageException(file + ": quantization.compute_dtype must be f32 to train, got '" + computeDtype
                    + "': this engine converts dtypes without recording gradients (f16 compute serves inference only) "
                    + "and aborts on bf16");
        }
        try {
            return QuantConfig.builder().type(QuantType.valueOf(type.toUpperCase(Locale.ROOT))).blockSize(blockSize)
                    .doubleQuant(doubleQuant).computeDtype(DataType.FLOAT32).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": quantization: " + e.getMessage());
        }
    }

    /**
     * How the base loads, from {@code model.dtype}. Adapter runs (lora, qlora) default to
     * {@code auto}, the model's own {@code torch_dtype}, as PEFT recipes load their base
     * ({@code torch_dtype="auto"} or the stored bf16) and as QLoRA keeps its unquantized
     * embeddings and lm_head: the base is frozen, so holding it in 16 bits halves its memory while
     * the computation stays float32 (its logits move only by the rounding of the stored weights, none
     * at all for float16 and bf16 weights in float16's range). Full fine-tuning updates every
     * weight, so it loads in float32 and refuses a 16-bit setting. Pretraining from an init_config
     * builds float32 weights and takes no dtype. The resolved value is written to the run's config.yaml.
     */
    private static LoadOptions loadOptions(YamlSection modelSection, String setting, String method, boolean fromScratch,
            Device device, String file) {
        String dtype;
        try {
            dtype = LoadOptions.canonicalDtype(setting != null ? setting : method.equals("full") ? "float32" : "auto");
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": model." + e.getMessage());
        }
        if (setting != null && fromScratch) {
            throw new UsageException(file + ": model.dtype applies to a pretrained model.path, not to model.init_config"
                    + " (new weights are float32)");
        }
        if (method.equals("full") && !dtype.equals("float32")) {
            throw new UsageException(file + ": model.dtype must be float32 for training.method full (every weight is"
                    + " trained, in float32), got '" + setting + "'; 16-bit bases serve lora and qlora");
        }
        if (!fromScratch) {
            modelSection.override("dtype", dtype);
        }
        return LoadOptions.builder().dtype(dtype).device(device).build();
    }

    /** The pretrained base; for QLoRA its projections are quantized as they are read. */
    private static CausalLM load(Path dir, QuantConfig quantization, LoadOptions options) {
        if (quantization == null) {
            CausalLM model = CausalLM.load(dir, options);
            System.err.printf("base weights held in %s%n", model.dtype());
            return model;
        }
        CausalLM model = Quantizer.load(dir, quantization, options);
        ModelMemory memory = ModelMemory.of(model);
        System.err.printf(Locale.ROOT, "base quantized to %s as read: %d layers, %.4f bytes per quantized weight, "
                + "%,d bytes in all (other weights in %s)%n",
                quantization.type().hfName(), memory.quantizedLayers(), memory.quantizedBytesPerParameter(),
                memory.totalBytes(), model.dtype());
        return model;
    }

    /** {@code latest} is the run's newest checkpoint; anything else a checkpoint directory. */
    private Path checkpoint(String value, Path runDir) {
        if (value.equals("latest")) {
            OptionalInt step = Checkpoints.latestStep(runDir);
            if (step.isEmpty()) {
                throw new UsageException(name() + ": --resume latest: no checkpoint in " + runDir);
            }
            return runDir.resolve("checkpoint-" + step.getAsInt());
        }
        Path p = Path.of(value);
        if (!Files.isDirectory(p)) {
            throw new UsageException(name() + ": --resume: no checkpoint directory " + p);
        }
        return p;
    }

    /** Relative paths in a run config are relative to the config file, wherever the command runs. */
    static Path resolve(Path base, String p) {
        Path path = Path.of(p);
        return path.isAbsolute() ? path : base.resolve(path).normalize();
    }

    private static void writeResolvedConfig(Path file, Map<String, Object> resolved) throws IOException {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(file, "# resolved settings of this run, defaults filled in\n"
                + new Yaml(options).dump(resolved));
    }

    private static LoraConfig adapterConfig(Path dir, String file) {
        try {
            return LoraConfig.ofAdapter(dir);
        } catch (LoraException e) {
            throw new UsageException(file + ": lora.model_dir: " + e.getMessage());
        }
    }

    /**
     * Preference tuning settings of the training section, TRL's names: {@code beta}, {@code loss_type}
     * (DPO: sigmoid | ipo | hinge), {@code label_smoothing}, and {@code reference} (DPO: {@code base},
     * the base with adapters disabled, or {@code adapter}, the starting adapter of {@code lora.model_dir}
     * kept frozen, the default when there is one).
     */
    private record PreferencePlan(String name, PreferenceLoss loss, String referenceSetting) {
        /** The adapter name the frozen starting adapter gets when it is the reference. */
        static final String REFERENCE_ADAPTER = "reference";

        static PreferencePlan read(YamlSection t, String method, String file) {
            boolean preference = method.equals("dpo") || method.equals("orpo");
            for (String key : List.of("beta", "loss_type", "label_smoothing", "reference")) {
                if (!preference && t.has(key)) {
                    throw new UsageException(file + ": training." + key + " applies to training.method dpo or orpo, "
                            + "not " + method);
                }
            }
            if (!preference) {
                return null;
            }
            if (method.equals("orpo") && (t.has("loss_type") || t.has("label_smoothing") || t.has("reference"))) {
                throw new UsageException(file + ": training.loss_type, label_smoothing and reference are DPO's; "
                        + "ORPO has no reference model");
            }
            double beta = t.number("beta", PreferenceLoss.DEFAULT_BETA);
            String type = t.string("loss_type", "sigmoid");
            if (!List.of("sigmoid", "ipo", "hinge").contains(type)) {
                throw new UsageException(file + ": training.loss_type must be sigmoid, ipo or hinge, got '" + type + "'");
            }
            try {
                PreferenceLoss loss = method.equals("orpo") ? PreferenceLoss.orpo(beta)
                        : new PreferenceLoss(PreferenceLoss.Type.valueOf(type.toUpperCase(Locale.ROOT)), beta,
                                t.number("label_smoothing", 0));
                return new PreferencePlan(method, loss, method.equals("dpo") ? t.string("reference", null) : null);
            } catch (IllegalArgumentException e) {
                throw new UsageException(file + ": training: " + e.getMessage());
            }
        }

        /** The reference adapter's name, or null for the base with adapters disabled (and for ORPO). */
        String reference(boolean startAdapter, String file) {
            if (!loss.needsReference()) {
                return null;
            }
            String setting = referenceSetting != null ? referenceSetting : startAdapter ? "adapter" : "base";
            switch (setting) {
                case "base":
                    return null;
                case "adapter":
                    if (!startAdapter) {
                        throw new UsageException(file + ": training.reference adapter needs lora.model_dir, the adapter "
                                + "to start from");
                    }
                    return REFERENCE_ADAPTER;
                default:
                    throw new UsageException(file + ": training.reference must be base or adapter, got '" + setting
                            + "'");
            }
        }
    }

    /** The data section: chat/instruction files for supervised fine-tuning, or raw text for pretraining. */
    private record DataPlan(String file, List<Path> train, List<Path> validation, String format, String chatTemplate,
            boolean trainOnInputs, Truncation truncation, Path text, double validationFraction, int evalBatches) {

        static DataPlan read(YamlSection d, Path base, String file) {
            List<Path> train = d.strings("train").stream().map(p -> resolve(base, p)).collect(Collectors.toList());
            List<Path> validation = d.strings("validation").stream().map(p -> resolve(base, p))
                    .collect(Collectors.toList());
            String text = d.string("text", null);
            if (train.isEmpty() == (text == null)) {
                throw new UsageException(file + ": give exactly one of data.train (fine-tuning files) or data.text "
                        + "(raw text to pretrain on)");
            }
            DataPlan plan = new DataPlan(file, train, validation, d.string("format", null),
                    d.string("chat_template", null), d.bool("train_on_inputs", false),
                    truncation(d.string("truncation", "drop"), file), text == null ? null : resolve(base, text),
                    d.number("validation_fraction", 0.01), d.integer("eval_batches", 8));
            d.finish();
            return plan;
        }

        private static Truncation truncation(String value, String file) {
            try {
                return Truncation.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException(file + ": data.truncation must be drop, truncate_right or truncate_left, got '"
                        + value + "'");
            }
        }

        boolean isText() {
            return text != null;
        }

        void feed(Trainer.Builder builder, Tokenizer tokenizer, TrainingArguments args, boolean preference)
                throws IOException {
            if (isText()) {
                feedText(builder, tokenizer, args);
                return;
            }
            if (preference) {
                feedPairs(builder, tokenizer, args);
                return;
            }
            SftData prepared = SftData.builder(tokenizer, args).trainOnAllTokens(trainOnInputs).truncation(truncation)
                    .template(template()).build();
            Dataset trainSet = load(train);
            TokenizedDataset tokenized = prepared.tokenize(trainSet);
            System.err.printf("train: %s%n%s%n", trainSet, tokenized.report());
            builder.trainData(prepared.training(tokenized));
            if (!validation.isEmpty()) {
                Dataset validationSet = load(validation);
                System.err.printf("validation: %s%n", validationSet);
                builder.evalData(prepared.evaluation(validationSet));
            }
        }

        /** data.chat_template, a built-in; null: the model's own. */
        private ChatTemplate template() {
            try {
                return chatTemplate == null ? null : ChatTemplate.builtIn(chatTemplate);
            } catch (IllegalArgumentException e) {
                throw new UsageException(file + ": data.chat_template: " + e.getMessage());
            }
        }

        private void feedPairs(Trainer.Builder builder, Tokenizer tokenizer, TrainingArguments args) {
            if (trainOnInputs) {
                throw new UsageException(file + ": data.train_on_inputs does not apply to preference tuning: only the "
                        + "answers are compared");
            }
            PreferenceData prepared = PreferenceData.builder(tokenizer, args).truncation(truncation)
                    .template(template()).build();
            Dataset trainSet = load(train);
            PreferenceData.Pairs tokenized = prepared.tokenize(trainSet);
            System.err.printf("train: %s%n%s%n", trainSet, tokenized);
            builder.trainData(prepared.training(tokenized));
            if (!validation.isEmpty()) {
                Dataset validationSet = load(validation);
                PreferenceData.Pairs held = prepared.tokenize(validationSet);
                System.err.printf("validation: %s%n%s%n", validationSet, held);
                builder.evalData(prepared.evaluation(held));
            }
        }

        private Dataset load(List<Path> files) {
            DatasetLoader loader = Datasets.from(files).strict();
            try {
                return format == null ? loader.load() : loader.format(format).load();
            } catch (io.tunebook.data.ValidationException e) {
                // Each invalid row with its file:line, not only the count: the user fixes them there.
                throw new UsageException("train: " + e.report()
                        + "\n(tunebook data validate lists them; fix or remove those rows)");
            }
        }

        private void feedText(Trainer.Builder builder, Tokenizer tokenizer, TrainingArguments args) throws IOException {
            long eos = tokenizer.eosId().orElseThrow(() ->
                    new UsageException("train: the tokenizer has no eos_token to separate documents"));
            int[] tokens = TextCorpus.tokens(text, tokenizer, eos, args.seed());
            int split = (int) (tokens.length * (1 - validationFraction));
            System.err.printf("corpus: %,d tokens (%,d for validation)%n", tokens.length, tokens.length - split);
            int batch = args.perDeviceTrainBatchSize();
            int length = args.maxSeqLength();
            builder.trainData(TrainingData.endless(() -> new TokenWindows(tokens, 0, split, batch, length, args.seed())));
            List<Batch> held = validationFraction > 0
                    ? new TokenWindows(tokens, split, tokens.length, batch, length, args.seed()).sequential(evalBatches)
                    : List.of();
            builder.evalData(held);
        }
    }
}
