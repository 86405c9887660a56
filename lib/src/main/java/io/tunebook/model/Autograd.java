package io.tunebook.model;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch keeps autograd on or off per thread and a new thread starts with it on, but DJL turns it
 * off only on the thread that started the engine. A run on any other thread (a notebook cell, a
 * server worker) would then fail at AdamW's in-place updates ("a leaf Variable that requires grad
 * is being used in an in-place operation"), and inference there would record a graph for nothing.
 */
public final class Autograd {
    private Autograd() {
    }

    /** Makes the calling thread behave as DJL's first thread: no autograd graph outside a collector. */
    public static void offOutsideCollectors() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            JniUtils.setGradMode(false);
        }
    }

    /**
     * True while the calling thread runs a training forward: inside a gradient collector, or in the
     * first, graph-less pass of gradient checkpointing ({@link #checkpointedForward}), which the
     * backward will replay with autograd on. Dropout acts exactly then.
     */
    public static boolean recording() {
        return CHECKPOINTED.get() || "PyTorch".equals(Engine.getInstance().getEngineName()) && JniUtils.isGradMode();
    }

    private static final ThreadLocal<Boolean> CHECKPOINTED = ThreadLocal.withInitial(() -> false);

    /**
     * Back-propagates {@code gradOutput} (dL/d output, same shape) from {@code output} into the
     * gradients of the leaves below it, then frees that graph: {@code output.backward(gradOutput)}
     * in PyTorch. A null {@code gradOutput} means ones (a scalar loss). Gradients accumulate, so
     * several calls (one per loss chunk, one per recomputed layer) add up as one backward would.
     */
    public static void backward(NDArray output, NDArray gradOutput) {
        backward(output, gradOutput, false);
    }

    /** {@link #backward}, keeping the graph for a later backward through it when {@code keepGraph}. */
    static void backward(NDArray output, NDArray gradOutput, boolean keepGraph) {
        NDArray grad = gradOutput == null ? output.onesLike() : gradOutput;
        try {
            JniUtils.backward((PtNDArray) output, (PtNDArray) grad, keepGraph, false);
        } finally {
            if (gradOutput == null) {
                grad.close();
            }
        }
    }

    /**
     * {@link #backward} when {@code output} was computed from something that requires a gradient;
     * returns false (and does nothing) when it is a constant. DJL cannot tell beforehand: its
     * {@code hasGradient()} reads {@code requires_grad} only for leaves and says false for every
     * computed tensor, and asking for the gradient function of a constant crashes the JVM; so this
     * asks PyTorch, which refuses a constant with a defined message.
     */
    public static boolean backwardIfGraph(NDArray output, NDArray gradOutput) {
        return backwardIfGraph(output, gradOutput, false);
    }

    /** {@link #backwardIfGraph}, keeping the graph for a later backward through it when {@code keepGraph}. */
    static boolean backwardIfGraph(NDArray output, NDArray gradOutput, boolean keepGraph) {
        try {
            backward(output, gradOutput, keepGraph);
            return true;
        } catch (EngineException e) {
            if (String.valueOf(e.getMessage()).contains("does not require grad")) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Turns autograd off on this thread until the returned scope closes, even inside a gradient
     * collector: a forward that needs no graph (an evaluation) runs this way.
     */
    public static Scope paused() {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return () -> JniUtils.setGradMode(was);
    }

    /**
     * {@link #paused()} for the first pass of gradient checkpointing: no graph is kept, yet the pass
     * still counts as {@link #recording()}, so that it computes what its replay with autograd on
     * will compute (dropout acts in both).
     */
    public static Scope checkpointedForward() {
        Scope off = paused();
        boolean was = CHECKPOINTED.get();
        CHECKPOINTED.set(true);
        return () -> {
            CHECKPOINTED.set(was);
            off.close();
        };
    }

    /** A scope that restores the previous autograd mode when closed. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
