package io.tunebook.model;

import ai.djl.ndarray.NDArray;
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
        NDArray gate = gateProj.forward(x);
        gate = gate.mul(Activation.sigmoid(gate)); // SiLU; DJL's swish would keep a JVM-owned scalar in the graph
        return downProj.forward(gate.mul(upProj.forward(x)));
    }
}
