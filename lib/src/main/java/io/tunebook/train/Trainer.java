package io.tunebook.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tensors;
import java.util.List;
import java.util.Map;

/**
 * The optimisation loop: forward, causal-LM loss, backward over gradient-accumulation micro-batches,
 * global-norm clipping, an AdamW step with the scheduled learning rate. It trains whichever
 * parameters it is given (all of them for full fine-tuning, adapters for LoRA); every other weight
 * stays frozen.
 *
 * <p>Each micro-batch runs in its own NDManager, closed at the end of the step, so native memory
 * stays flat over a run. A NaN or infinite loss or gradient stops the run before the update, so
 * the weights stay those of the last good step. {@link #requestStop()} (from any thread, e.g. a
 * kernel interrupt) ends the run at the next step boundary.
 */
public final class Trainer implements AutoCloseable {
    private final CausalLM model;
    private final Map<String, NDArray> trainable;
    private final TrainingArguments args;
    private final AdamW optimizer;
    private volatile boolean stopRequested;

    public Trainer(CausalLM model, Map<String, NDArray> trainable, TrainingArguments args) {
        this.model = model;
        this.trainable = Map.copyOf(trainable);
        this.args = args;
        for (NDArray p : model.transformer().parameters().values()) {
            p.setRequiresGradient(false);
        }
        for (NDArray p : trainable.values()) {
            p.setRequiresGradient(true);
        }
        this.optimizer = new AdamW(model.manager(), trainable, args.adamBeta1(), args.adamBeta2(),
                args.adamEpsilon(), args.weightDecay());
        zeroGradients();
    }

    /** Asks the run to stop after the step in progress; the model stays usable. */
    public void requestStop() {
        stopRequested = true;
    }

    public TrainingResult fit(BatchSource train, List<Batch> validation, TrainerCallback callback) {
        long start = System.nanoTime();
        double windowLoss = 0;
        double windowGradNorm = 0;
        long windowTokens = 0;
        int windowSteps = 0;
        long windowStart = System.nanoTime();
        double lastLoss = Double.NaN;
        double evalLoss = Double.NaN;
        int step = 0;
        boolean stopped = false;
        while (step < args.maxSteps()) {
            if (stopRequested) {
                stopped = true;
                break;
            }
            double lr = args.learningRateAt(step);
            List<Batch> micro = new java.util.ArrayList<>();
            long counted = 0;
            for (int i = 0; i < args.gradientAccumulationSteps(); i++) {
                Batch b = train.next();
                micro.add(b);
                counted += CausalLmLoss.countedTokens(b.labels());
            }
            double loss = 0;
            for (Batch b : micro) {
                loss += backward(b, Math.max(1, counted), step + 1);
                windowTokens += (long) b.rows() * b.length();
            }
            double gradNorm = clipGradients(step + 1);
            optimizer.step(lr);
            zeroGradients();
            step++;
            lastLoss = loss;
            windowLoss += loss;
            windowGradNorm += gradNorm;
            windowSteps++;
            if (step % args.loggingSteps() == 0 || step == args.maxSteps()) {
                double seconds = (System.nanoTime() - windowStart) / 1e9;
                callback.onStep(new StepMetrics(step, args.maxSteps(), windowLoss / windowSteps, lr,
                        windowGradNorm / windowSteps, windowTokens / seconds, (System.nanoTime() - start) / 1e9));
                windowLoss = 0;
                windowGradNorm = 0;
                windowTokens = 0;
                windowSteps = 0;
                windowStart = System.nanoTime();
            }
            if (!validation.isEmpty() && args.evalSteps() > 0 && step % args.evalSteps() == 0
                    && step != args.maxSteps()) {
                evalLoss = evaluate(validation);
                callback.onEvaluate(step, evalLoss);
            }
        }
        if (!validation.isEmpty()) {
            evalLoss = evaluate(validation);
            callback.onEvaluate(step, evalLoss);
        }
        TrainingResult result = new TrainingResult(step, lastLoss, evalLoss, stopped,
                (System.nanoTime() - start) / 1e9);
        callback.onEnd(result);
        return result;
    }

    /** Forward and backward of one micro-batch; returns its share of the step's mean loss. */
    private double backward(Batch batch, long countedInStep, int step) {
        try (NDManager m = model.manager().newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray labels = Tensors.of(m, batch.flatLabels(), new Shape(batch.rows(), batch.length()));
            NDArray loss = CausalLmLoss.sum(logits(batch, m), labels).div(Tensors.scalar(m, countedInStep));
            double value = loss.getFloat();
            if (!Double.isFinite(value)) {
                diverged("loss is " + value + " at step " + step);
            }
            collector.backward(loss);
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
                sumSquares += g.square().sum().getFloat();
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

    /** Token-weighted mean loss over the validation batches. */
    public double evaluate(List<Batch> batches) {
        double total = 0;
        long tokens = 0;
        for (Batch b : batches) {
            try (NDManager m = model.manager().newSubManager()) {
                Shape shape = new Shape(b.rows(), b.length());
                total += CausalLmLoss.sum(logits(b, m), Tensors.of(m, b.flatLabels(), shape)).getFloat();
                tokens += CausalLmLoss.countedTokens(b.labels());
            }
        }
        return total / Math.max(1, tokens);
    }

    /** Logits of a batch; a packed one attends within each of its sequences only. */
    private NDArray logits(Batch b, NDManager m) {
        Shape shape = new Shape(b.rows(), b.length());
        NDArray ids = Tensors.of(m, b.flatInputs(), shape);
        if (b.isPacked()) {
            return model.transformer().forwardPacked(ids, Tensors.of(m, b.flatPositions(), shape),
                    Tensors.of(m, b.flatSegments(), shape));
        }
        return model.transformer().forward(ids, null, null, null);
    }

    @Override
    public void close() {
        optimizer.close();
        for (NDArray p : trainable.values()) {
            p.setRequiresGradient(false);
        }
    }
}
