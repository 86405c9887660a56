package io.tunebook.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.tunebook.data.Dataset;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.Autograd;
import io.tunebook.model.CausalLM;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.quant.ModelMemory;
import io.tunebook.train.TrainingResult.StopReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The optimisation loop: forward, causal-LM loss, backward over gradient-accumulation micro-batches,
 * global-norm clipping, an AdamW step with the scheduled learning rate; evaluation, checkpoints,
 * early stopping and best-model restore on the schedule of its {@link TrainingArguments}. It trains
 * whichever parameters the {@link TrainableModel} hands it (all of them for full fine-tuning,
 * adapters for LoRA); every other weight stays frozen.
 *
 * <pre>{@code
 * try (Trainer trainer = Trainer.builder()
 *         .model(lora).arguments(args)
 *         .trainData(train).evalData(validation)
 *         .outputDir(Path.of("runs/support")).callback(view)
 *         .build()) {
 *     TrainingResult result = trainer.train();
 * }
 * }</pre>
 *
 * <p>Each micro-batch runs in its own NDManager, closed at the end of the step, so native memory
 * stays flat over a run. A NaN or infinite loss or gradient stops the run before the update, so the
 * weights stay those of the last good step. {@link #requestStop()} (from any thread, e.g. a kernel
 * interrupt or a signal) or an interrupt of the training thread ends the run at the next step
 * boundary; an interrupted run with an output directory and checkpoints on saves a checkpoint of the
 * step it stopped at, so it can be resumed. A run is a {@link SafePoints} region: code that stops
 * threads by force waits for it to end (at the next boundary, once interrupted). Every step reseeds
 * the engine's generator from the run seed and the step, so dropout is the same in a resumed run as
 * in an uninterrupted one.
 *
 * <p>With an output directory the run writes {@code metrics.jsonl}, {@code checkpoint-STEP}
 * directories as {@code saveStrategy} says, the final artifact ({@code adapter/} or
 * {@code model/}) and {@link Provenance#FILE} (what made it: inputs' hashes, runtime, configuration;
 * declare the data files with {@link Builder#provenance}); without one it writes nothing.
 */
public final class Trainer implements AutoCloseable {
    private final TrainableModel trainee;
    private final CausalLM model;
    private final Map<String, NDArray> trainable;
    private final TrainingArguments args;
    private final TrainingData data;
    private final List<Batch> validation;
    private final Path outputDir;
    private final List<TrainerCallback> callbacks;
    private final AdamW optimizer;
    private final boolean gradientCheckpointing;
    private final Backprop backprop;
    private final PreferenceObjective preference;
    private final Provenance.Inputs inputs;
    private Provenance provenance;
    private Map<String, Double> evalMetrics = Map.of();
    private volatile boolean stopRequested;

    private Trainer(Builder b) {
        this.trainee = b.model;
        this.model = b.model.model();
        this.trainable = Map.copyOf(b.model.trainableParameters());
        this.args = b.args;
        this.data = b.data;
        this.validation = List.copyOf(b.validation);
        this.outputDir = b.outputDir;
        this.callbacks = new CopyOnWriteArrayList<>(b.callbacks);
        for (NDArray p : model.transformer().parameters().values()) {
            p.setRequiresGradient(false);
        }
        for (NDArray p : trainable.values()) {
            p.setRequiresGradient(true);
        }
        this.optimizer = new AdamW(model.manager(), trainable, args.adamBeta1(), args.adamBeta2(),
                args.adamEpsilon(), args.weightDecay());
        Boolean checkpointing = args.gradientCheckpointing();
        this.gradientCheckpointing = checkpointing != null ? checkpointing
                : model.dtype() != DataType.FLOAT32 || ModelMemory.of(model).quantizedLayers() > 0;
        this.backprop = new Backprop(model.transformer(), gradientCheckpointing);
        this.preference = b.preference == null ? null : new PreferenceObjective(b.preference);
        this.inputs = b.inputs;
        zeroGradients();
    }

    public static Builder builder() {
        return new Builder();
    }

    public TrainingArguments arguments() {
        return args;
    }

    /**
     * Whether this run recomputes each layer in the backward: as the arguments say, or, left unset,
     * when the frozen base is quantized or held in 16 bits, as PEFT's {@code
     * prepare_model_for_kbit_training} does for QLoRA: such a base is chosen to save memory, and
     * without checkpointing every layer's activations wait for the backward at once.
     */
    public boolean gradientCheckpointing() {
        return gradientCheckpointing;
    }

    /** Optimizer steps the run is planned for. */
    public int totalSteps() {
        return args.totalSteps(data.batchesPerEpoch());
    }

    /**
     * Asks the run in progress (or, called before it, the next run) to stop after its current step; the
     * model stays usable.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /** Adds an observer of the next runs, such as a notebook's live view. */
    public void addCallback(TrainerCallback callback) {
        callbacks.add(Objects.requireNonNull(callback, "callback"));
    }

    public void removeCallback(TrainerCallback callback) {
        callbacks.remove(callback);
    }

    /** Runs from the first step. */
    public TrainingResult train() {
        return run(TrainerState.start(totalSteps(), args.seed()), null);
    }

    /**
     * Continues from a {@code checkpoint-STEP} directory of an earlier run with the same model,
     * arguments and data: the weights, optimizer moments, data position and best validation loss
     * are restored, so the losses that follow are those the uninterrupted run would have logged.
     */
    public TrainingResult train(Path checkpoint) {
        TrainerState state = Checkpoints.readState(checkpoint);
        if (state.totalSteps() != totalSteps() || state.seed() != args.seed()) {
            throw new IllegalArgumentException("cannot resume from " + checkpoint + ": it was planned for "
                    + state.totalSteps() + " steps with seed " + state.seed() + ", this run for " + totalSteps()
                    + " steps with seed " + args.seed() + "; resume with the same arguments and data");
        }
        int perEpoch = data.batchesPerEpoch();
        if (perEpoch > 0 && state.batchInEpoch() >= perEpoch) {
            throw new IllegalArgumentException("cannot resume from " + checkpoint + ": trainer_state.json: batchInEpoch is "
                    + state.batchInEpoch() + ", but an epoch of this run has " + perEpoch + " batches");
        }
        Checkpoints.restore(checkpoint, trainable, optimizer);
        return run(state, checkpoint);
    }

    private TrainingResult run(TrainerState initial, Path resumedFrom) {
        boolean[] interrupted = new boolean[1];
        try (SafePoints.Region whole = SafePoints.enter()) {
            return run(initial, resumedFrom, interrupted);
        } finally {
            stopRequested = false;
            if (interrupted[0]) {
                Thread.currentThread().interrupt(); // taken at the boundary so the final writes are not cut
            }
        }
    }

    private TrainingResult run(TrainerState initial, Path resumedFrom, boolean[] interrupted) {
        Autograd.offOutsideCollectors();
        if (outputDir != null) {
            Provenance.noteCheckout(); // the commit of the code that runs, read before a long run lets it move
        }
        long start = System.nanoTime();
        TrainerState state = initial;
        int total = state.totalSteps();
        int perEpoch = data.batchesPerEpoch();
        Checkpoints checkpoints = outputDir == null ? null : new Checkpoints(outputDir, args.saveTotalLimit());
        Window window = new Window();
        double lastLoss = Double.NaN;
        double evalLoss = Double.NaN;
        int lastEvalStep = -1;
        int lastSavedStep = resumedFrom == null ? -1 : initial.globalStep();
        StopReason reason = StopReason.COMPLETED;
        try (MetricsLog log = openLog(resumedFrom == null ? -1 : state.globalStep())) {
            List<TrainerCallback> hooks = new ArrayList<>(callbacks);
            if (log != null) {
                hooks.add(0, log);
            }
            if (preference != null) {
                preference.precompute(trainee, backprop, referenceBatches());
            }
            BatchSource source = data.epoch(state.epoch());
            for (int i = 0; i < state.batchInEpoch(); i++) {
                source.next();
            }
            int epoch = state.epoch();
            int batchInEpoch = state.batchInEpoch();
            trainee.setTraining(true);
            while (state.globalStep() < total) {
                interrupted[0] = Thread.interrupted();
                if (stopRequested || interrupted[0]) {
                    reason = StopReason.INTERRUPTED;
                    break;
                }
                int step = state.globalStep();
                Engine.getInstance().setRandomSeed((int) (args.seed() * 1_000_003L + step));
                List<Batch> micro = new ArrayList<>();
                while (micro.size() < args.gradientAccumulationSteps() && (perEpoch == 0 || batchInEpoch < perEpoch)) {
                    micro.add(source.next());
                    batchInEpoch++;
                }
                double lr = args.learningRateAt(step, total);
                lastLoss = optimizerStep(micro, step, lr, window);
                boolean epochEnded = perEpoch > 0 && batchInEpoch == perEpoch;
                if (epochEnded) {
                    epoch++;
                    batchInEpoch = 0;
                    source = data.epoch(epoch);
                }
                state = state.at(step + 1, epoch, batchInEpoch);
                int done = state.globalStep();
                if (done % args.loggingSteps() == 0 || done == total) {
                    double epochs = perEpoch == 0 ? Double.NaN : epoch + (double) batchInEpoch / perEpoch;
                    StepMetrics m = window.metrics(done, total, epochs, lr,
                            (System.nanoTime() - start) / 1e9);
                    hooks.forEach(h -> h.onStep(m));
                }
                if (due(args.evalStrategy(), args.evalSteps(), done, epochEnded) && !validation.isEmpty()) {
                    evalLoss = evaluate(validation);
                    lastEvalStep = done;
                    state = state.evaluated(evalLoss, args.earlyStoppingThreshold());
                    double loss = evalLoss;
                    Map<String, Double> metrics = evalMetrics;
                    hooks.forEach(h -> h.onEvaluate(done, loss, metrics));
                }
                if (checkpoints != null && due(args.saveStrategy(), args.saveSteps(), done, epochEnded)) {
                    Path saved = checkpoints.save(state, trainee, optimizer, state.bestStep());
                    lastSavedStep = done;
                    hooks.forEach(h -> h.onSave(done, saved));
                }
                if (args.earlyStoppingPatience() > 0 && state.evalsWithoutImprovement() >= args.earlyStoppingPatience()) {
                    reason = StopReason.EARLY_STOPPING;
                    break;
                }
            }
            trainee.setTraining(false);
            if (reason == StopReason.INTERRUPTED && checkpoints != null && args.saveStrategy() != IntervalStrategy.NO
                    && state.globalStep() > 0 && state.globalStep() != lastSavedStep) {
                int done = state.globalStep();
                Path saved = checkpoints.save(state, trainee, optimizer, state.bestStep());
                hooks.forEach(h -> h.onSave(done, saved));
            }
            if (args.loadBestModelAtEnd() && checkpoints != null && state.bestStep() > 0
                    && state.bestStep() != state.globalStep()) {
                Checkpoints.restore(outputDir.resolve("checkpoint-" + state.bestStep()), trainable, optimizer);
                lastEvalStep = -1;
            }
            if (!validation.isEmpty() && reason != StopReason.INTERRUPTED && lastEvalStep != state.globalStep()) {
                evalLoss = evaluate(validation);
                double loss = evalLoss;
                int done = state.globalStep();
                Map<String, Double> metrics = evalMetrics;
                hooks.forEach(h -> h.onEvaluate(done, loss, metrics));
            }
            TrainingResult result = new TrainingResult(state.globalStep(), total, lastLoss, evalLoss, reason,
                    state.bestEvalLoss(), state.bestStep(), (System.nanoTime() - start) / 1e9);
            if (outputDir != null) {
                trainee.saveTrained(outputDir.resolve(trainee.artifactName()));
                recordProvenance(result);
            }
            hooks.forEach(h -> h.onEnd(result));
            return result;
        } catch (TrainingDivergedException e) {
            trainee.setTraining(false);
            if (outputDir != null) {
                trainee.saveTrained(outputDir.resolve(trainee.artifactName()));
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the metrics of " + outputDir + ": " + e.getMessage(), e);
        }
    }

    /** Hashes the inputs and the artifact just saved and writes {@link Provenance#FILE} beside them. */
    private void recordProvenance(TrainingResult result) {
        provenance = Provenance.of(outputDir, inputs, model.directory().orElse(null), model.manager().getDevice(), args,
                trainee.artifactName(), result);
        provenance.write(outputDir);
    }

    /** The record the last run with an output directory wrote; empty before one ends, or without a directory. */
    public java.util.Optional<Provenance> provenance() {
        return java.util.Optional.ofNullable(provenance);
    }

    private MetricsLog openLog(int resumedStep) throws IOException {
        if (outputDir == null) {
            return null;
        }
        Files.createDirectories(outputDir);
        Path file = outputDir.resolve("metrics.jsonl");
        return resumedStep < 0 ? MetricsLog.create(file) : MetricsLog.resume(file, resumedStep);
    }

    private static boolean due(IntervalStrategy strategy, int every, int step, boolean epochEnded) {
        switch (strategy) {
            case STEPS:
                return step % every == 0;
            case EPOCH:
                return epochEnded;
            default:
                return false;
        }
    }

    /** Every training batch of one epoch and the validation batches: what the reference must score. */
    private List<Batch> referenceBatches() {
        List<Batch> all = new ArrayList<>(validation);
        BatchSource source = data.epoch(0);
        for (int i = 0; i < data.batchesPerEpoch(); i++) {
            all.add(source.next());
        }
        return all;
    }

    /**
     * One optimizer step over its micro-batches; returns the step's mean loss per counted token, or
     * for preference tuning its mean loss per pair.
     */
    private double optimizerStep(List<Batch> micro, int step, double lr, Window window) {
        if (preference != null) {
            return preferenceStep(micro, step, lr, window);
        }
        long counted = 0;
        for (Batch b : micro) {
            counted += CausalLmLoss.countedTokens(b.labels());
        }
        double loss = 0;
        long tokens = 0;
        for (int i = 0; i < micro.size(); i++) {
            Batch b = micro.get(i);
            loss += backward(b, Math.max(1, counted), step + 1, args.seed() * 1_000_003L + (long) step * 1024 + i);
            tokens += (long) b.rows() * b.length();
        }
        double gradNorm = clipGradients(step + 1);
        optimizer.step(lr);
        zeroGradients();
        window.add(loss, gradNorm, tokens);
        return loss;
    }

    private double preferenceStep(List<Batch> micro, int step, double lr, Window window) {
        int pairs = 0;
        long tokens = 0;
        for (Batch b : micro) {
            pairs += PreferenceObjective.pairs(b);
            tokens += (long) b.rows() * b.length();
        }
        for (int i = 0; i < micro.size(); i++) {
            Batch b = micro.get(i);
            long seed = args.seed() * 1_000_003L + (long) step * 1024 + i;
            try (NDManager m = model.manager().newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                backprop.forwardBackward(b, m, preference.of(b, (double) PreferenceObjective.pairs(b) / pairs), seed);
            }
        }
        Map<String, Double> metrics = preference.drain();
        double loss = metrics.get("loss");
        if (!Double.isFinite(loss)) {
            diverged("loss is " + loss + " at step " + (step + 1));
        }
        double gradNorm = clipGradients(step + 1);
        optimizer.step(lr);
        zeroGradients();
        window.add(loss, gradNorm, tokens);
        window.add(metrics);
        return loss;
    }

    /** Forward and backward of one micro-batch; returns its share of the step's mean loss. */
    private double backward(Batch batch, long countedInStep, int step, long seed) {
        try (NDManager m = model.manager().newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            double value = backprop.forwardBackward(batch, m, 1f / countedInStep, seed);
            if (!Double.isFinite(value)) {
                diverged("loss is " + value + " at step " + step);
            }
            return value;
        }
    }

    /** Scales gradients so their global L2 norm is at most {@code maxGradNorm}; returns the norm before. */
    private double clipGradients(int step) {
        try (NDManager m = model.manager().newSubManager()) {
            double sumSquares = 0;
            NDArray[] grads = new NDArray[trainable.size()];
            int i = 0;
            for (NDArray p : trainable.values()) {
                NDArray g = p.getGradient();
                g.attach(m);
                grads[i++] = g;
                // Each square is freed at once: together they would be another copy of every gradient.
                try (NDArray squares = g.square(); NDArray sum = squares.sum()) {
                    sumSquares += sum.getFloat();
                }
            }
            double norm = Math.sqrt(sumSquares);
            if (!Double.isFinite(norm)) {
                diverged("gradient norm is " + norm + " at step " + step);
            }
            if (args.maxGradNorm() > 0 && norm > args.maxGradNorm()) {
                float scale = (float) (args.maxGradNorm() / (norm + 1e-6));
                for (NDArray g : grads) {
                    g.muli(scale);
                }
            }
            return norm;
        }
    }

    private void diverged(String what) {
        zeroGradients();
        throw new TrainingDivergedException("training stopped: " + what + " (NaN/Inf); the weights are kept "
                + "as they were after the last good step. Lower the learning rate or check the data.");
    }

    private void zeroGradients() {
        try (NDManager m = model.manager().newSubManager()) {
            for (NDArray p : trainable.values()) {
                NDArray g = p.getGradient();
                g.attach(m);
                // Assignment, not g - g: a NaN gradient must not survive into the next step.
                g.set(new NDIndex("..."), 0f);
            }
        }
    }

    /**
     * Token-weighted mean loss over the batches, with dropout off; for preference tuning the mean loss
     * per pair, its metrics in {@link #evaluationMetrics()}.
     */
    public double evaluate(List<Batch> batches) {
        trainee.setTraining(false);
        if (preference != null) {
            try {
                preference.precompute(trainee, backprop, batches);
                trainee.setTraining(false);
                evalMetrics = preference.evaluate(backprop, batches, model.manager());
                return evalMetrics.get("loss");
            } finally {
                trainee.setTraining(true);
            }
        }
        double total = 0;
        long tokens = 0;
        try {
            for (Batch b : batches) {
                try (NDManager m = model.manager().newSubManager()) {
                    total += backprop.loss(b, m, 1f);
                    tokens += CausalLmLoss.countedTokens(b.labels());
                }
            }
        } finally {
            trainee.setTraining(true);
        }
        return total / Math.max(1, tokens);
    }

    /**
     * TRL's metrics of the last {@link #evaluate} of preference tuning ({@code rewards/accuracies},
     * {@code rewards/margins}, ...); empty otherwise.
     */
    public Map<String, Double> evaluationMetrics() {
        return evalMetrics;
    }

    @Override
    public void close() {
        trainee.setTraining(false);
        optimizer.close();
        for (NDArray p : trainable.values()) {
            p.setRequiresGradient(false);
        }
    }

    /** Losses, norms and token counts accumulated between two logged steps. */
    private static final class Window {
        private double loss;
        private double gradNorm;
        private long tokens;
        private int steps;
        private long since = System.nanoTime();
        private final Map<String, Double> extras = new java.util.LinkedHashMap<>();

        /** A step's preference metrics, averaged like the loss. */
        void add(Map<String, Double> stepMetrics) {
            stepMetrics.forEach((k, v) -> {
                if (!k.equals("loss")) {
                    extras.merge(k, v, Double::sum);
                }
            });
        }

        void add(double stepLoss, double stepGradNorm, long stepTokens) {
            loss += stepLoss;
            gradNorm += stepGradNorm;
            tokens += stepTokens;
            steps++;
        }

        StepMetrics metrics(int step, int total, double epoch, double lr, double elapsed) {
            double seconds = (System.nanoTime() - since) / 1e9;
            Map<String, Double> means = new java.util.LinkedHashMap<>();
            int n = steps;
            extras.forEach((k, v) -> means.put(k, v / n));
            extras.clear();
            StepMetrics m = new StepMetrics(step, total, epoch, loss / steps, lr, gradNorm / steps, tokens / seconds,
                    elapsed, means);
            loss = 0;
            gradNorm = 0;
            tokens = 0;
            steps = 0;
            since = System.nanoTime();
            return m;
        }
    }

    /**
     * Assembles a {@link Trainer}; a model ({@code model(lora)} or {@code fullFineTuning(model)}), {@code arguments}
     * and {@code trainData} are required. Datasets may be given as they are loaded: they are tokenized as
     * {@link SftData} (or {@link PreferenceData} for {@link #preference}) from the model's tokenizer and the arguments,
     * unless {@link #sft} says otherwise, so that the arguments are passed once.
     */
    public static final class Builder {
        private TrainableModel model;
        private TrainingArguments args;
        private TrainingData data;
        private List<Batch> validation = List.of();
        private Dataset trainDataset;
        private Dataset evalDataset;
        private SftData sft;
        private Path outputDir;
        private final List<TrainerCallback> callbacks = new ArrayList<>();
        private PreferenceLoss preference;
        private Provenance.Inputs inputs = Provenance.inputs();

        /**
         * What the run's provenance records beyond what the trainer knows (the base model's directory, the
         * arguments): the data files, and a run config. Without it the data are recorded as undeclared.
         */
        public Builder provenance(Provenance.Inputs v) {
            inputs = Objects.requireNonNull(v, "inputs");
            return this;
        }

        /**
         * Preference tuning (DPO, ORPO) instead of supervised fine-tuning: the data are
         * {@link PreferenceData} batches, and DPO's reference is {@link TrainableModel#reference()}.
         */
        public Builder preference(PreferenceLoss v) {
            preference = v;
            return this;
        }

        public Builder model(TrainableModel v) {
            model = v;
            return this;
        }

        /** LoRA (or QLoRA): the active adapter trains on the frozen base; the result is a PEFT adapter. */
        public Builder model(LoraModel v) {
            return model(TrainableModel.lora(v));
        }

        /**
         * Full fine-tuning: every weight of {@code v} trains, and the result is saved in float32. Said out loud
         * because handing a bare model must not train every weight by accident: for adapters, wrap it
         * ({@code LoraModel.wrap}) and pass that to {@link #model(LoraModel)}.
         */
        public Builder fullFineTuning(CausalLM v) {
            return model(TrainableModel.full(v, Dtype.F32));
        }

        public Builder arguments(TrainingArguments v) {
            args = v;
            return this;
        }

        public Builder trainData(TrainingData v) {
            data = v;
            return this;
        }

        /** Fixed batches, reshuffled each epoch with the run seed; call after {@link #arguments}. */
        public Builder trainData(List<Batch> batches) {
            Objects.requireNonNull(args, "set the arguments before the training batches: they give the seed");
            return trainData(TrainingData.shuffled(batches, args.seed()));
        }

        /** A dataset as loaded; tokenized and batched when the Trainer is built (see the class comment). */
        public Builder trainData(Dataset v) {
            trainDataset = Objects.requireNonNull(v, "trainData");
            return this;
        }

        public Builder evalData(List<Batch> v) {
            validation = v;
            return this;
        }

        /** A validation dataset as loaded, tokenized as {@link #trainData(Dataset)} is. */
        public Builder evalData(Dataset v) {
            evalDataset = Objects.requireNonNull(v, "evalData");
            return this;
        }

        /** How plain datasets are tokenized (template, truncation, all tokens); default: from the model and arguments. */
        public Builder sft(SftData v) {
            sft = Objects.requireNonNull(v, "sft");
            return this;
        }

        /** Where {@code metrics.jsonl}, checkpoints and the final artifact go; none are written without it. */
        public Builder outputDir(Path v) {
            outputDir = v;
            return this;
        }

        public Builder callback(TrainerCallback v) {
            callbacks.add(Objects.requireNonNull(v, "callback"));
            return this;
        }

        public Trainer build() {
            if (model == null || args == null || data == null && trainDataset == null) {
                throw new IllegalStateException("a Trainer needs model(...), arguments(...) and trainData(...)");
            }
            tokenizeDatasets();
            if (args.precision() != Precision.FP32) {
                throw new IllegalArgumentException("precision " + args.precision().name().toLowerCase()
                        + " is not available yet: tunebook trains in fp32 (mixed precision is planned for GPUs)");
            }
            if (args.loadBestModelAtEnd() && outputDir == null) {
                throw new IllegalArgumentException("loadBestModelAtEnd restores a checkpoint: set an outputDir");
            }
            if (args.evalStrategy() != IntervalStrategy.NO && validation.isEmpty()) {
                throw new IllegalArgumentException("evalStrategy is " + args.evalStrategy().name().toLowerCase()
                        + " but no evalData was given");
            }
            args.totalSteps(data.batchesPerEpoch());
            if (preference != null && data.batchesPerEpoch() == 0) {
                throw new IllegalArgumentException("preference tuning needs a fixed set of pairs (PreferenceData), "
                        + "not an endless stream");
            }
            if (preference != null && preference.needsReference()) {
                try (AutoCloseable probe = model.reference()) {
                    // checks that the model has a reference state, before anything runs
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return new Trainer(this);
        }

        private void tokenizeDatasets() {
            if (trainDataset != null && data != null) {
                throw new IllegalStateException("trainData was given twice: a Dataset and batches");
            }
            if (evalDataset != null && !validation.isEmpty()) {
                throw new IllegalStateException("evalData was given twice: a Dataset and batches");
            }
            if (trainDataset == null && evalDataset == null) {
                return;
            }
            if (preference != null) {
                if (sft != null) {
                    throw new IllegalStateException("sft(...) tokenizes supervised data; preference tuning reads pairs");
                }
                PreferenceData pairs = PreferenceData.builder(model.model().tokenizer(), args).build();
                data = trainDataset != null ? pairs.training(trainDataset) : data;
                validation = evalDataset != null ? pairs.evaluation(evalDataset) : validation;
                return;
            }
            SftData s = sft != null ? sft : SftData.builder(model.model().tokenizer(), args).build();
            data = trainDataset != null ? s.training(trainDataset) : data;
            validation = evalDataset != null ? s.evaluation(evalDataset) : validation;
        }
    }
}
