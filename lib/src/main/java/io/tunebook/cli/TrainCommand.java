package io.tunebook.cli;

import io.tunebook.display.ConsoleProgress;
import io.tunebook.model.CausalLM;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.Tokenizer;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.train.Batch;
import io.tunebook.train.IntervalStrategy;
import io.tunebook.train.SchedulerType;
import io.tunebook.train.StepMetrics;
import io.tunebook.train.TextCorpus;
import io.tunebook.train.TokenWindows;
import io.tunebook.train.Trainer;
import io.tunebook.train.TrainerCallback;
import io.tunebook.train.TrainingDivergedException;
import io.tunebook.train.TrainingArguments;
import io.tunebook.train.TrainingData;
import io.tunebook.train.TrainingResult;
import io.tunebook.train.TrainableModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code tunebook train CONFIG.yaml}: full-parameter training of a causal LM on a text corpus, from
 * a model directory or from scratch. The run directory receives {@code model/} (a Hugging Face
 * directory), {@code metrics.jsonl} and {@code config.yaml} (the resolved settings).
 */
final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a model from a YAML run config";
    }

    @Override
    public String help() {
        return "usage: tunebook train CONFIG.yaml [--max-steps N] [--output DIR]\n"
                + "Runs the training described by CONFIG.yaml (see examples/). --max-steps and --output override\n"
                + "training.max_steps and output.dir. Unknown keys in the file are errors; relative paths in it are\n"
                + "relative to the file's directory.\n"
                + "Sections: model (path | init_config + tokenizer), data (text, validation_fraction, eval_batches),\n"
                + "training (method: full, max_steps, micro_batch_size, gradient_accumulation_steps, sequence_len,\n"
                + "learning_rate, lr_scheduler, warmup_steps, warmup_ratio, weight_decay, max_grad_norm, adam_beta1,\n"
                + "adam_beta2, adam_epsilon, logging_steps, eval_steps, save_steps, seed), output (dir, save_dtype).";
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args a = Args.parse(name(), argv, Set.of("max-steps", "output"), Set.of());
        Path configFile = Args.existingFile(name(), a.positional(name(), 0, "CONFIG.yaml"));
        a.expectPositionals(name(), 1);
        Object tree;
        try (InputStream in = Files.newInputStream(configFile)) {
            tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (RuntimeException e) {
            throw new UsageException(name() + ": " + configFile + " is not valid YAML: " + e.getMessage());
        }
        String file = configFile.toString();
        Path base = configFile.toAbsolutePath().getParent();
        YamlSection root = new YamlSection(file, "", tree);

        YamlSection modelSection = root.section("model");
        String modelPath = modelSection.string("path", null);
        String initConfig = modelSection.string("init_config", null);
        String tokenizerDir = modelSection.string("tokenizer", null);
        int initSeed = modelSection.integer("init_seed", 0);
        modelSection.finish();
        if ((modelPath == null) == (initConfig == null)) {
            throw new UsageException(file + ": give exactly one of model.path or model.init_config");
        }
        if (initConfig != null && tokenizerDir == null) {
            throw new UsageException(file + ": model.init_config needs model.tokenizer (a directory with tokenizer.json)");
        }

        YamlSection data = root.section("data");
        Path text = resolve(base, data.requiredString("text"));
        double validationFraction = data.number("validation_fraction", 0.01);
        int evalBatches = data.integer("eval_batches", 8);
        data.finish();

        YamlSection t = root.section("training");
        String method = t.string("method", "full");
        if (!method.equals("full")) {
            throw new UsageException(file + ": training.method '" + method + "' is not available yet; use full");
        }
        int maxSteps = a.has("max-steps") ? a.getInt("max-steps", 0) : t.integer("max_steps", 1000);
        t.override("max_steps", maxSteps);
        int microBatch = t.integer("micro_batch_size", 4);
        int seqLen = t.integer("sequence_len", 256);
        TrainingArguments args;
        try {
            TrainingArguments.Builder b = TrainingArguments.builder()
                    .maxSteps(maxSteps)
                    .perDeviceTrainBatchSize(microBatch)
                    .gradientAccumulationSteps(t.integer("gradient_accumulation_steps", 4))
                    .learningRate(t.number("learning_rate", 2e-4))
                    .lrScheduler(SchedulerType.parse(t.string("lr_scheduler", "cosine")))
                    .warmupSteps(t.integer("warmup_steps", 0))
                    .warmupRatio(t.number("warmup_ratio", 0.1))
                    .weightDecay(t.number("weight_decay", 0.01))
                    .maxGradNorm(t.number("max_grad_norm", 1.0))
                    .adamBetas(t.number("adam_beta1", 0.9), t.number("adam_beta2", 0.999))
                    .adamEpsilon(t.number("adam_epsilon", 1e-8))
                    .loggingSteps(t.integer("logging_steps", 10))
                    .saveTotalLimit(t.integer("save_total_limit", 0))
                    .seed(t.integer("seed", 42));
            int evalSteps = t.integer("eval_steps", 0);
            b = evalSteps > 0 ? b.evalSteps(evalSteps) : b.evalStrategy(IntervalStrategy.NO);
            int saveSteps = t.integer("save_steps", 0);
            args = (saveSteps > 0 ? b.saveSteps(saveSteps) : b.saveStrategy(IntervalStrategy.NO)).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(file + ": training: " + e.getMessage());
        }
        t.finish();

        YamlSection output = root.section("output");
        Path runDir = a.has("output") ? Path.of(a.get("output", "")) : resolve(base, output.string("dir", "runs/train"));
        output.override("dir", runDir.toString());
        Dtype saveDtype = Dtype.valueOf(output.string("save_dtype", "f32").toUpperCase());
        output.finish();
        root.finish();

        Files.createDirectories(runDir);
        writeResolvedConfig(runDir.resolve("config.yaml"), root.resolved());
        try (CausalLM model = modelPath != null ? CausalLM.load(resolve(base, modelPath))
                : CausalLM.initialize(ModelConfig.read(resolve(base, initConfig)),
                        Tokenizer.load(resolve(base, tokenizerDir)), initSeed)) {
            long eos = model.tokenizer().eosId().orElseThrow(() ->
                    new UsageException(name() + ": the tokenizer has no eos_token to separate documents"));
            System.err.printf("model: %,d parameters; tokenizing %s%n", model.parameterCount(), text);
            int[] tokens = TextCorpus.tokens(text, model.tokenizer(), eos, args.seed());
            int split = (int) (tokens.length * (1 - validationFraction));
            System.err.printf("corpus: %,d tokens (%,d for validation)%n", tokens.length, tokens.length - split);
            TokenWindows train = new TokenWindows(tokens, 0, split, microBatch, seqLen, args.seed());
            List<Batch> validation = validationFraction > 0
                    ? new TokenWindows(tokens, split, tokens.length, microBatch, seqLen, args.seed()).sequential(evalBatches)
                    : List.of();
            int exit = 0;
            try (Trainer trainer = Trainer.builder()
                    .model(TrainableModel.full(model, saveDtype))
                    .arguments(args)
                    .trainData(TrainingData.endless(() -> new TokenWindows(tokens, 0, split, microBatch, seqLen,
                            args.seed())))
                    .evalData(validation)
                    .outputDir(runDir)
                    .callback(ConsoleProgress.toStandardError())
                    .build()) {
                trainer.train();
            } catch (TrainingDivergedException e) {
                System.err.println("tunebook train: " + e.getMessage());
                exit = 1;
            }
            Path modelOut = runDir.resolve("model");
            System.err.println(exit == 0 ? "saved " + modelOut : "saved the last good weights to " + modelOut);
            return exit;
        }
    }

    /** Relative paths in a run config are relative to the config file, wherever the command runs. */
    private static Path resolve(Path base, String p) {
        Path path = Path.of(p);
        return path.isAbsolute() ? path : base.resolve(path).normalize();
    }

    private static void writeResolvedConfig(Path file, Map<String, Object> resolved) throws IOException {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(file, "# resolved settings of this run, defaults filled in\n"
                + new Yaml(options).dump(resolved));
    }
}
