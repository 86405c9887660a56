package io.tunebook.kernel;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch keeps autograd on or off per thread, and a new thread starts with it on; DJL turns it off
 * only on the thread that started the engine. Cells run on threads of their own, so each is set as
 * DJL's first thread is: inference records no autograd graph, and training turns autograd on only
 * inside its {@code GradientCollector} (AdamW's in-place updates fail on a thread where it is on).
 */
final class EngineThreads {
    private EngineThreads() {
    }

    static void prepareCellThread() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            JniUtils.setGradMode(false);
        }
    }
}
