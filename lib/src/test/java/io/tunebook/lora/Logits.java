package io.tunebook.lora;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tunebook.model.CausalLM;
import io.tunebook.model.Tensors;

/** Logits of fixed token ids, as a flat float array, for comparing models. */
final class Logits {
    private Logits() {
    }

    static float[] of(CausalLM model, long[][] ids) {
        long[] flat = new long[ids.length * ids[0].length];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(ids[i], 0, flat, i * ids[0].length, ids[0].length);
        }
        try (NDManager m = model.manager().newSubManager()) {
            return model.transformer().forward(Tensors.of(m, flat, new Shape(ids.length, ids[0].length)), null, null, null)
                    .toFloatArray();
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " vs " + b.length + " logits");
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
