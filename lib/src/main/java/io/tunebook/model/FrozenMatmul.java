package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * The matmul of a frozen projection whose weight is made for the call (dequantized from 4 or 8
 * bits, or upcast from 16), kept out of autograd's memory while training.
 *
 * <p>A plain {@code y = x Wᵀ} recorded by autograd keeps W until the backward, which needs it for
 * the input's gradient {@code dL/dx = dL/dy · W}. For such a weight that is a float32 copy per
 * projection: a whole decoder layer's worth (872 MB on Mistral 7B) held through a recomputed
 * layer, or the whole model in float32 without gradient checkpointing. bitsandbytes avoids it with
 * a custom autograd function ({@code MatMul4Bit}) that dequantizes again in its backward; DJL
 * cannot define one, so a {@link Tape} does the same from outside: while it records, the matmul
 * runs with autograd off, its output enters the graph as a leaf, and {@link Tape#backward} first
 * back-propagates to those leaves, then makes each weight again, pushes {@code dL/dy · W} on into
 * the graph below the projection, and so on downwards. Only one weight exists at a time: Mistral
 * 7B's QLoRA step (1 × 512, checkpointed) peaked at 7,217 MiB with the copies and 6,704 without
 * (bench/README.md).
 *
 * <p>Without a tape (inference, evaluation, or a graph the caller does not drive) the matmul is
 * recorded as usual.
 */
public final class FrozenMatmul {
    private static final ThreadLocal<Tape> TAPE = new ThreadLocal<>();

    private FrozenMatmul() {
    }

    /** Makes a frozen weight on demand, in the dtype asked; the caller closes the array (or its manager). */
    @FunctionalInterface
    public interface Weight {
        NDArray make(NDManager m, DataType dtype);
    }

    /**
     * {@code x Wᵀ + b}, W made by {@code weight} in x's dtype; the result lives on x's manager.
     *
     * @param bias null, or a bias in any dtype (converted to x's; a trainable float32 bias keeps its graph)
     */
    public static NDArray linear(NDArray x, Weight weight, NDArray bias) {
        NDManager m = x.getManager();
        DataType type = x.getDataType();
        Tape tape = TAPE.get();
        try (NDManager scratch = m.newSubManager()) {
            NDArray b = bias == null || bias.getDataType() == type ? bias : attached(bias.toType(type, false), scratch);
            NDArray y;
            if (tape == null || !JniUtils.isGradMode()) {
                // Autograd holds its own reference to the weight while the backward needs it;
                // closing the scratch drops only ours.
                y = ai.djl.nn.core.Linear.linear(x, weight.make(scratch, type), b).singletonOrThrow();
            } else {
                NDArray product;
                try (Autograd.Scope off = Autograd.paused()) {
                    product = ai.djl.nn.core.Linear.linear(x, weight.make(scratch, type)).singletonOrThrow();
                }
                product.setRequiresGradient(true);
                // The tape's own handles, on its manager: the caller may close x, and the manager
                // it computes on, as soon as the layer is done (Backprop frees a layer's intermediates so).
                product.attach(tape.manager);
                NDArray input = x.reshape(x.getShape());
                input.attach(tape.manager);
                tape.entries.add(new Entry(x, input, product, weight));
                product = product.reshape(product.getShape());
                product.attach(scratch);
                y = b == null ? product : product.add(b);
            }
            y.attach(m);
            return y;
        }
    }

    private static NDArray attached(NDArray array, NDManager m) {
        array.attach(m);
        return array;
    }

    /**
     * Starts recording frozen matmuls on this thread until the returned tape is closed; the tape's
     * handles (each matmul's input and output leaf) live on {@code m}, which must outlive the backward.
     */
    public static Tape record(NDManager m) {
        if (TAPE.get() != null) {
            throw new IllegalStateException("a frozen-matmul tape is already recording on this thread");
        }
        Tape tape = new Tape(m);
        TAPE.set(tape);
        return tape;
    }

    /** The frozen matmuls of one graph, in the order the forward ran them. */
    public static final class Tape implements AutoCloseable {
        private final List<Entry> entries = new ArrayList<>();
        private final NDManager manager;

        private Tape(NDManager manager) {
            this.manager = manager;
        }

        /**
         * {@link Autograd#backward} of {@code gradOutput} from {@code output}, through the recorded
         * matmuls too. Matmuls are taken last to first: a matmul's output leaf has its whole gradient
         * once every later matmul has pushed its input's gradient down, since only those can lie
         * between it and the output. Consecutive matmuls of one input (q, k, v; gate, up) push their
         * summed gradient in one backward. An output computed from nothing trainable (the hidden
         * states under a trainable lm_head alone, on a float32 base) has no graph: nothing to do.
         */
        public void backward(NDArray output, NDArray gradOutput) {
            // The graph is kept only for the pushes below: the last backward through it frees what
            // autograd saved as it goes, as PyTorch's does, instead of holding it all to the end.
            if (!Autograd.backwardIfGraph(output, gradOutput, !entries.isEmpty())) {
                return;
            }
            for (int j = entries.size() - 1; j >= 0; ) {
                Object key = entries.get(j).key;
                NDArray input = entries.get(j).input;
                try (NDManager scratch = input.getManager().newSubManager()) {
                    NDArray gradInput = null;
                    for (; j >= 0 && entries.get(j).key == key; j--) {
                        Entry e = entries.get(j);
                        NDArray partial;
                        try (NDManager weightScope = scratch.newSubManager()) {
                            NDArray gradProduct = attached(e.product.getGradient(), weightScope);
                            partial = gradProduct.matMul(e.weight.make(weightScope, gradProduct.getDataType()));
                            partial.attach(scratch);
                        }
                        gradInput = gradInput == null ? partial : gradInput.addi(partial);
                    }
                    // An input computed from nothing trainable (a frozen embedding's) has no graph to take it.
                    Autograd.backwardIfGraph(input, gradInput, j >= 0);
                }
            }
            entries.clear();
        }

        /** Stops recording; the graph's arrays belong to their managers. */
        @Override
        public void close() {
            entries.clear();
            TAPE.remove();
        }
    }

    /**
     * @param key the caller's input array, which only identifies matmuls of one input (it may be closed)
     * @param input the tape's handle on that input, through which its gradient enters the graph
     */
    private record Entry(Object key, NDArray input, NDArray product, Weight weight) {
    }
}
