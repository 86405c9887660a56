package io.tunebook.model;

import ai.djl.engine.Engine;
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

    /** True while the calling thread records an autograd graph (inside a gradient collector). */
    public static boolean recording() {
        return "PyTorch".equals(Engine.getInstance().getEngineName()) && JniUtils.isGradMode();
    }
}
