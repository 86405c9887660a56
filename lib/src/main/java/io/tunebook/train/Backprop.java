package io.tunebook.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.Autograd;
import io.tunebook.model.FrozenMatmul;
import io.tunebook.model.Tensors;
import io.tunebook.model.Transformer;
import io.tunebook.model.Transformer.LayerContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One micro-batch's forward pass, causal-LM loss and backward pass, run layer by layer so that
 * memory stays bounded on real-size models.
 *
 * <p>The loss comes from {@link CausalLmLoss#chunked}: the final hidden states are cut from the
 * graph into a leaf, the loss is back-propagated into that leaf one chunk of positions at a time,
 * and the leaf's gradient is then pushed through the stack in one more backward. Logits never exist
 * for the whole batch.
 *
 * <p>With gradient checkpointing (transformers' {@code gradient_checkpointing_enable()}, on by
 * default for QLoRA as PEFT's {@code prepare_model_for_kbit_training} does) the forward runs with
 * autograd off and keeps only each decoder layer's input; the backward then recomputes one layer at
 * a time with autograd on and back-propagates the gradient of that layer's output through it,
 * which yields the gradient of its input for the layer below. DJL cannot define a custom autograd
 * function, so the trainer drives these per-layer backwards itself, which is exactly what
 * {@code torch.utils.checkpoint} does inside one. Only one layer's activations exist at a time,
 * and, with or without checkpointing, one weight made for the call (dequantized, or upcast from 16
 * bits): {@link FrozenMatmul} makes it again in the backward, as bitsandbytes does.
 *
 * <p>Dropout draws from the engine's generator, reseeded before each layer from the micro-batch's
 * seed and the layer index, with or without checkpointing: the recomputation replays the masks of
 * the first pass, and a checkpointed run computes the same gradients as a plain one.
 */
final class Backprop {
    private final Transformer transformer;
    private final boolean checkpointing;

    Backprop(Transformer transformer, boolean checkpointing) {
        this.transformer = transformer;
        this.checkpointing = checkpointing;
    }

    /**
     * Forward and backward of {@code batch} inside an active gradient collector: gradients of the
     * trainable parameters grow by those of {@code loss × scale}.
     *
     * @param m the micro-batch's manager; everything kept across layers lives there
     * @param seed the micro-batch's dropout seed
     * @return the scaled summed loss
     */
    double forwardBackward(Batch batch, NDManager m, float scale, long seed) {
        return forwardBackward(batch, m, uniform(batch, scale), seed);
    }

    /**
     * Forward and backward of a sequence-level objective (DPO, ORPO): the head first computes each
     * row's summed negative log-likelihood with autograd off, {@code objective} turns them into the
     * loss's derivative in each of them, and the backward then carries the chunked loss weighted by
     * those derivatives, whose gradient is the objective's. Memory stays that of
     * {@link #forwardBackward(Batch, NDManager, float, long)}; the head runs twice.
     */
    double forwardBackward(Batch batch, NDManager m, SequenceObjective objective, long seed) {
        if (CausalLmLoss.countedTokens(batch.labels()) == 0) {
            return 0;
        }
        NDArray ids = ids(batch, m);
        LayerContext context = context(batch, ids, m);
        if (!checkpointing) {
            try (FrozenMatmul.Tape tape = FrozenMatmul.record(m)) {
                NDArray x = transformer.embed(ids);
                for (int i = 0; i < transformer.layerCount(); i++) {
                    reseed(seed, i);
                    x = transformer.layerAlone(i, x, context, true);
                }
                return head(x, batch, objective, tape);
            }
        }
        List<NDArray> inputs = new ArrayList<>(transformer.layerCount() + 1);
        try (Autograd.Scope off = Autograd.checkpointedForward()) {
            inputs.add(transformer.embed(ids));
            for (int i = 0; i < transformer.layerCount(); i++) {
                reseed(seed, i);
                inputs.add(transformer.layerAlone(i, inputs.get(i), context, false));
            }
        }
        NDArray top = leaf(inputs.get(inputs.size() - 1));
        double loss;
        try (FrozenMatmul.Tape tape = FrozenMatmul.record(m)) {
            loss = head(top, batch, objective, tape);
        }
        NDArray grad = gradient(top, m);
        for (int i = transformer.layerCount() - 1; i >= 0; i--) {
            inputs.remove(i + 1).close();
            try (NDManager layer = m.newSubManager(); FrozenMatmul.Tape tape = FrozenMatmul.record(layer)) {
                NDArray input = leaf(inputs.get(i));
                input.attach(layer);
                reseed(seed, i);
                NDArray out = transformer.layer(i, input, context);
                tape.backward(out, grad);
                grad.close();
                grad = gradient(input, m);
            }
        }
        // A trainable embedding (full fine-tuning) gets the gradient of the first layer's input.
        Autograd.backwardIfGraph(transformer.embed(ids), grad);
        grad.close();
        return loss;
    }

    /** The scaled summed loss of {@code batch}, with autograd off and one layer's activations at a time. */
    double loss(Batch batch, NDManager m, float scale) {
        return loss(batch, m, uniform(batch, scale));
    }

    /** Evaluation of a sequence-level objective: it sees each row's summed nll; nothing is back-propagated. */
    double loss(Batch batch, NDManager m, SequenceObjective objective) {
        if (CausalLmLoss.countedTokens(batch.labels()) == 0) {
            return 0;
        }
        try (Autograd.Scope off = Autograd.paused()) {
            NDArray ids = ids(batch, m);
            LayerContext context = context(batch, ids, m);
            NDArray x = transformer.embed(ids);
            for (int i = 0; i < transformer.layerCount(); i++) {
                x = transformer.layerAlone(i, x, context, true);
            }
            return head(x, batch, objective, null);
        }
    }

    /**
     * A loss computed from each row's summed negative log-likelihood: given them, it returns the loss's
     * derivative in each, the scale of that row's nll in the backward.
     */
    interface SequenceObjective {
        float[] rowScale(double[] rowNll);
    }

    /** The plain causal-LM loss, every row's nll scaled alike: it needs no first look at the nll. */
    private record Uniform(float[] rows) implements SequenceObjective {
        @Override
        public float[] rowScale(double[] rowNll) {
            return rows;
        }
    }

    private static SequenceObjective uniform(Batch batch, float scale) {
        float[] rows = new float[batch.rows()];
        Arrays.fill(rows, scale);
        return new Uniform(rows);
    }

    /**
     * Final norm, chunked loss and, given the tape that recorded x's graph, the gradient of x (when
     * it has a graph); a null tape computes the loss alone. An objective that is not the plain loss
     * first sees each row's nll, computed with autograd off.
     */
    private double head(NDArray x, Batch batch, SequenceObjective objective, FrozenMatmul.Tape tape) {
        NDArray hidden = transformer.finalNorm(x);
        long[][] labels = batch.labels();
        long chunk = CausalLmLoss.LOGITS_PER_CHUNK;
        float[] rowScale;
        if (objective instanceof Uniform u) {
            rowScale = u.rows();
        } else {
            double[] rowNll = new double[batch.rows()];
            try (Autograd.Scope off = Autograd.paused()) {
                CausalLmLoss.chunked(transformer, tape == null ? hidden : hidden.stopGradient(), labels,
                        new float[batch.rows()], false, chunk, rowNll);
            }
            rowScale = objective.rowScale(rowNll);
            if (tape == null) {
                return 0;
            }
        }
        if (tape == null) {
            return CausalLmLoss.chunked(transformer, hidden, labels, rowScale, false, chunk, null);
        }
        NDArray cut = leaf(hidden);
        double loss = CausalLmLoss.chunked(transformer, cut, labels, rowScale, true, chunk, null);
        try (NDArray grad = cut.getGradient()) {
            tape.backward(hidden, grad);
        }
        return loss;
    }

    /** A new leaf sharing {@code x}'s values, cut from any graph, whose gradient autograd will fill. */
    private static NDArray leaf(NDArray x) {
        NDArray cut = x.stopGradient();
        cut.setRequiresGradient(true);
        return cut;
    }

    /** The gradient a backward accumulated in a leaf, kept on m. */
    private static NDArray gradient(NDArray leaf, NDManager m) {
        NDArray g = leaf.getGradient();
        g.attach(m);
        return g;
    }

    private NDArray ids(Batch b, NDManager m) {
        return Tensors.of(m, b.flatInputs(), new Shape(b.rows(), b.length()));
    }

    private LayerContext context(Batch b, NDArray ids, NDManager m) {
        if (b.isPacked()) {
            Shape shape = new Shape(b.rows(), b.length());
            return transformer.context(ids, Tensors.of(m, b.flatPositions(), shape), Tensors.of(m, b.flatSegments(), shape));
        }
        return transformer.context(ids, null, null);
    }

    private static void reseed(long seed, int layer) {
        Engine.getInstance().setRandomSeed(new SplittableRandom(seed * 1_000_003L + layer).nextInt());
    }
}
