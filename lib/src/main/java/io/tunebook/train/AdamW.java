package io.tunebook.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tunebook.model.safetensors.Dtype;
import io.tunebook.model.safetensors.SafetensorsFile;
import io.tunebook.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), step for step as {@code torch.optim.AdamW}:
 * {@code p -= lr*wd*p}, then the bias-corrected Adam update. Parameters whose name marks a norm
 * scale or a bias take no weight decay, as the Hugging Face Trainer does.
 */
public final class AdamW implements AutoCloseable {
    private final NDManager manager;
    private final List<Slot> slots = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private int step;

    private record Slot(String name, NDArray param, NDArray m, NDArray v, boolean decay) {
    }

    public AdamW(NDManager parent, Map<String, NDArray> params, double beta1, double beta2, double epsilon,
            double weightDecay) {
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray m = manager.zeros(p.getShape(), p.getDataType());
            NDArray v = manager.zeros(p.getShape(), p.getDataType());
            boolean decay = !e.getKey().endsWith(".bias") && !e.getKey().endsWith("norm.weight");
            slots.add(new Slot(e.getKey(), p, m, v, decay));
        }
    }

    /** Applies one update with the gradients currently held by the parameters. */
    public void step(double lr) {
        step++;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        double stepSize = lr / bias1;
        double sqrtBias2 = Math.sqrt(bias2);
        for (Slot s : slots) {
            // One scratch manager per parameter: its temporaries (the gradient handle, g(1-b1), g^2,
            // the denominator, the update) are freed before the next parameter's are made, so the
            // step adds one parameter's worth of memory, not the model's.
            try (NDManager scratch = manager.newSubManager()) {
                NDArray g = s.param.getGradient();
                g.attach(scratch);
                if (s.decay && weightDecay != 0) {
                    s.param.muli(1 - lr * weightDecay);
                }
                s.m.muli(beta1).addi(g.mul(1 - beta1));
                s.v.muli(beta2).addi(g.square().mul(1 - beta2));
                NDArray denom = s.v.sqrt();
                denom.attach(scratch);
                NDArray update = s.m.div(denom.divi(sqrtBias2).addi(epsilon));
                update.attach(scratch);
                s.param.subi(update.muli(stepSize));
            }
        }
    }

    /** Optimizer steps taken so far. */
    public int stepCount() {
        return step;
    }

    /** Adds the moments as {@code NAME.exp_avg} and {@code NAME.exp_avg_sq}, float32, bit-exact. */
    void writeState(SafetensorsWriter writer) {
        writer.metadata("step", Integer.toString(step));
        for (Slot s : slots) {
            writer.add(s.name + ".exp_avg", s.m.getShape().getShape(), s.m.toFloatArray(), Dtype.F32);
            writer.add(s.name + ".exp_avg_sq", s.v.getShape().getShape(), s.v.toFloatArray(), Dtype.F32);
        }
    }

    /** Restores what {@link #writeState} wrote; every moment must be there with its parameter's shape. */
    void readState(SafetensorsFile file) throws IOException {
        String steps = file.metadata().get("step");
        if (steps == null) {
            throw new IOException(file.path() + ": no 'step' in the metadata; not an optimizer state");
        }
        int restored;
        try {
            restored = Integer.parseInt(steps.strip());
        } catch (NumberFormatException e) {
            restored = -1;
        }
        if (restored < 0) {
            throw new IllegalArgumentException(file.path() + ": metadata 'step' must be a non-negative integer, got '"
                    + steps + "'");
        }
        for (Slot s : slots) {
            Checkpoints.copyInto(file, s.name + ".exp_avg", s.m);
            Checkpoints.copyInto(file, s.name + ".exp_avg_sq", s.v);
        }
        step = restored;
    }

    @Override
    public void close() {
        manager.close();
    }
}
