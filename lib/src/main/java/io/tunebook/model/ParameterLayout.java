package io.tunebook.model;

import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tensors a model of a given config must have, with their shapes, in Hugging Face naming. */
public final class ParameterLayout {
    private ParameterLayout() {
    }

    public static Map<String, long[]> of(ModelConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long d = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {d});
            projection(shapes, p + "self_attn.q_proj", q, d, c.attentionBias());
            projection(shapes, p + "self_attn.k_proj", kv, d, c.attentionBias());
            projection(shapes, p + "self_attn.v_proj", kv, d, c.attentionBias());
            projection(shapes, p + "self_attn.o_proj", d, q, false);
            if (c.architecture().qkNorm()) {
                shapes.put(p + "self_attn.q_norm.weight", new long[] {c.headDim()});
                shapes.put(p + "self_attn.k_norm.weight", new long[] {c.headDim()});
            }
            shapes.put(p + "post_attention_layernorm.weight", new long[] {d});
            projection(shapes, p + "mlp.gate_proj", c.intermediateSize(), d, c.mlpBias());
            projection(shapes, p + "mlp.up_proj", c.intermediateSize(), d, c.mlpBias());
            projection(shapes, p + "mlp.down_proj", d, c.intermediateSize(), c.mlpBias());
        }
        shapes.put("model.norm.weight", new long[] {d});
        if (!c.tieWordEmbeddings()) {
            shapes.put("lm_head.weight", new long[] {c.vocabSize(), d});
        }
        return shapes;
    }

    private static void projection(Map<String, long[]> shapes, String name, long out, long in, boolean bias) {
        shapes.put(name + ".weight", new long[] {out, in});
        if (bias) {
            shapes.put(name + ".bias", new long[] {out});
        }
    }

    /** True for RMSNorm scales, whose initial value is 1 and which take no weight decay. */
    public static boolean isNorm(String name) {
        return name.endsWith("norm.weight");
    }

    /**
     * The module a projection weight belongs to ({@code model.layers.0.mlp.up_proj} for
     * {@code model.layers.0.mlp.up_proj.weight}, {@code lm_head} for {@code lm_head.weight}), or null
     * for any other tensor (embedding, norms, biases).
     */
    public static String projectionOf(String name) {
        if (name.equals("lm_head.weight") || name.endsWith("_proj.weight")) {
            return name.substring(0, name.length() - ".weight".length());
        }
        return null;
    }

    /**
     * The dtype a tensor is held in when frozen weights are held in {@code frozen}: norm scales and
     * biases always stay FLOAT32 (tiny; RMSNorm computes in float32, and PEFT's bias modes train
     * biases), everything else (embedding, projections, lm_head) takes {@code frozen}.
     */
    public static DataType storageOf(String name, DataType frozen) {
        return isNorm(name) || name.endsWith(".bias") ? DataType.FLOAT32 : frozen;
    }

    public static long count(Map<String, long[]> shapes) {
        long n = 0;
        for (long[] s : shapes.values()) {
            long k = 1;
            for (long x : s) {
                k *= x;
            }
            n += k;
        }
        return n;
    }
}
