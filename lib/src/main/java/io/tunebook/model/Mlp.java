package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;

/** The SwiGLU feed-forward block: {@code down(silu(gate(x)) * up(x))}. */
public final class Mlp {
    Projection gateProj;
    Projection upProj;
    Projection downProj;

    public Mlp(Projection gateProj, Projection upProj, Projection downProj) {
        this.gateProj = gateProj;
        this.upProj = upProj;
        this.downProj = downProj;
    }

    public NDArray forward(NDArray x) {
        return downProj.forward(ScriptedOps.silu(gateProj.forward(x)).mul(upProj.forward(x)));
    }

    /** {@link #forward} with gate and up in one matmul where {@code d} fused them, and {@code d}'s projections. */
    NDArray decode(NDArray x, Decoding d, int layer) {
        NDArray gateUp = d.gateUp(layer, x);
        NDArray gate;
        NDArray up;
        if (gateUp != null) {
            NDList parts = gateUp.split(2, 2);
            gate = parts.get(0);
            up = parts.get(1);
        } else {
            gate = d.linear(gateProj, x);
            up = d.linear(upProj, x);
        }
        // x·sigmoid(x) in two native calls: for a decoding step's few values cheaper than one scripted call.
        gate = gate.mul(Activation.sigmoid(gate));
        return d.linear(downProj, gate.mul(up));
    }
}
