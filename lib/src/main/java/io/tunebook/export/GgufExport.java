package io.tunebook.export;

import ai.djl.ndarray.NDArray;
import io.tunebook.lora.LoraModel;
import io.tunebook.model.Architecture;
import io.tunebook.model.CausalLM;
import io.tunebook.model.ModelConfig;
import io.tunebook.model.RopeScaling;
import io.tunebook.model.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model as a GGUF file for llama.cpp (and Ollama, LM Studio, ...), laid out as llama.cpp's
 * {@code convert_hf_to_gguf.py} lays it out: architecture {@code llama} for Llama and Mistral (the
 * q and k rows permuted from transformers' rotate-half order to llama.cpp's interleaved rotary
 * pairs, Llama 3.1's {@code rope_scaling} as the {@code rope_freqs.weight} factors), {@code qwen2}
 * (q/k/v biases) and {@code qwen3} (q/k norms), the {@code general.*} and {@code ARCH.*} keys the
 * converter writes, the tokenizer ({@link GgufVocab}) and the chat template. Tensor types follow
 * {@link GgufFileType}. Everything that could make the model unfit is checked by {@link #plan}
 * before a byte is written. A directory on disk, with or without an adapter: {@link Exporter}.
 */
public final class GgufExport {
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d+)\\.(.+)");
    private static final Map<String, String> LAYER_TENSORS = Map.ofEntries(
            Map.entry("input_layernorm.weight", "attn_norm.weight"),
            Map.entry("self_attn.q_proj.weight", "attn_q.weight"),
            Map.entry("self_attn.q_proj.bias", "attn_q.bias"),
            Map.entry("self_attn.k_proj.weight", "attn_k.weight"),
            Map.entry("self_attn.k_proj.bias", "attn_k.bias"),
            Map.entry("self_attn.v_proj.weight", "attn_v.weight"),
            Map.entry("self_attn.v_proj.bias", "attn_v.bias"),
            Map.entry("self_attn.o_proj.weight", "attn_output.weight"),
            Map.entry("self_attn.q_norm.weight", "attn_q_norm.weight"),
            Map.entry("self_attn.k_norm.weight", "attn_k_norm.weight"),
            Map.entry("post_attention_layernorm.weight", "ffn_norm.weight"),
            Map.entry("mlp.gate_proj.weight", "ffn_gate.weight"),
            Map.entry("mlp.gate_proj.bias", "ffn_gate.bias"),
            Map.entry("mlp.up_proj.weight", "ffn_up.weight"),
            Map.entry("mlp.up_proj.bias", "ffn_up.bias"),
            Map.entry("mlp.down_proj.weight", "ffn_down.weight"),
            Map.entry("mlp.down_proj.bias", "ffn_down.bias"));

    private GgufExport() {
    }

    /** Writes {@code model} to {@code file} (replaced atomically) as {@code type}. */
    public static void write(CausalLM model, GgufFileType type, String name, Path file) throws IOException {
        plan(model, type, name).write(file);
    }

    /**
     * Merges the active adapter into its model for good ({@link LoraModel#mergeAndUnload}: the
     * adapter cannot be used afterwards) and writes the merged model as {@link #write(CausalLM,
     * GgufFileType, String, Path)} does; returns the merged model, which the caller closes.
     */
    public static CausalLM write(LoraModel adapted, GgufFileType type, String name, Path file) throws IOException {
        CausalLM merged = adapted.mergeAndUnload();
        write(merged, type, name, file);
        return merged;
    }

    /**
     * What llama.cpp will run differently from tunebook, for the model card: a sliding attention
     * window, which llama.cpp's llama and qwen2 architectures do not apply (the converter drops it
     * too), so answers agree only while the context fits the window.
     */
    public static List<String> notes(ModelConfig c) {
        List<String> notes = new ArrayList<>();
        c.slidingWindow().ifPresent(w -> notes.add("config.json sets a sliding attention window of " + w
                + " tokens, which llama.cpp does not apply to " + architectureName(c.architecture())
                + " models: its answers match tunebook's while prompt and answer fit in " + w + " tokens"));
        return notes;
    }

    /** llama.cpp's architecture name for a tunebook architecture. */
    public static String architectureName(Architecture a) {
        return switch (a) {
            case LLAMA, MISTRAL -> "llama";
            case QWEN2 -> "qwen2";
            case QWEN3 -> "qwen3";
        };
    }

    /**
     * The file's metadata and tensor list, with the tensors' values read from the model only when
     * the writer writes them.
     *
     * @throws IllegalArgumentException naming why llama.cpp could not run the model as tunebook does
     */
    public static GgufWriter plan(CausalLM model, GgufFileType type, String name) {
        ModelConfig c = model.config();
        if (!model.hasTokenizer()) {
            throw new IllegalArgumentException("the model has no tokenizer.json: llama.cpp needs the vocabulary in the GGUF file");
        }
        GgufVocab.kind(model.tokenizer()); // refuses a tokenizer llama.cpp cannot reproduce
        Map<String, NDArray> params = model.transformer().parameters();
        if (params.size() != io.tunebook.model.ParameterLayout.of(c).size()) {
            throw new IllegalArgumentException("the model holds quantized layers: export needs the dense weights"
                    + " (load the base model in float32, float16 or bfloat16 and merge the adapter into it)");
        }
        String arch = architectureName(c.architecture());
        String rope = c.ropeScaling().type();
        if (rope.equals("llama3") && !arch.equals("llama")) {
            throw new IllegalArgumentException("config.json rope_scaling 'llama3' on " + c.architecture().hfClass()
                    + ": llama.cpp applies these frequency factors to the llama architecture only");
        }
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", arch);
        w.putString("general.type", "model");
        w.putString("general.name", name);
        w.putUint32("general.quantization_version", 2);
        w.putUint32("general.file_type", type.id());
        w.putUint32(arch + ".block_count", c.numHiddenLayers());
        w.putUint32(arch + ".context_length", c.maxPositionEmbeddings());
        w.putUint32(arch + ".embedding_length", c.hiddenSize());
        w.putUint32(arch + ".feed_forward_length", c.intermediateSize());
        w.putUint32(arch + ".attention.head_count", c.numAttentionHeads());
        w.putUint32(arch + ".attention.head_count_kv", c.numKeyValueHeads());
        w.putFloat32(arch + ".rope.freq_base", (float) c.ropeTheta());
        w.putFloat32(arch + ".attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
        w.putUint32(arch + ".attention.key_length", c.headDim());
        w.putUint32(arch + ".attention.value_length", c.headDim());
        if (arch.equals("llama")) {
            w.putUint32(arch + ".vocab_size", c.vocabSize());
            w.putUint32(arch + ".rope.dimension_count", c.headDim());
        }
        if (rope.equals("linear")) {
            w.putString(arch + ".rope.scaling.type", "linear");
            w.putFloat32(arch + ".rope.scaling.factor", (float) c.ropeScaling().factor());
        }
        GgufVocab.write(w, model.tokenizer(), c);

        boolean permute = arch.equals("llama");
        int layers = c.numHiddenLayers();
        List<String> order = new ArrayList<>();
        order.add("model.embed_tokens.weight");
        if (rope.equals("llama3")) {
            order.add("rope_freqs");
        }
        for (String n : params.keySet()) {
            if (n.startsWith("model.layers.")) {
                order.add(n);
            }
        }
        order.add("model.norm.weight");
        if (!c.tieWordEmbeddings()) {
            order.add("lm_head.weight");
        }
        for (String hf : order) {
            if (hf.equals("rope_freqs")) {
                w.addTensor("rope_freqs.weight", new long[] {c.headDim() / 2}, GgmlType.F32,
                        () -> ropeFactors(c.ropeScaling(), c.headDim(), c.ropeTheta()));
                continue;
            }
            NDArray array = params.get(hf);
            long[] shape = array.getShape().getShape();
            String gguf;
            GgufFileType.Role role = GgufFileType.Role.OTHER;
            int layer = 0;
            Matcher m = LAYER.matcher(hf);
            if (hf.equals("model.embed_tokens.weight")) {
                gguf = "token_embd.weight";
                role = c.tieWordEmbeddings() ? GgufFileType.Role.OUTPUT : GgufFileType.Role.OTHER;
            } else if (hf.equals("model.norm.weight")) {
                gguf = "output_norm.weight";
            } else if (hf.equals("lm_head.weight")) {
                gguf = "output.weight";
                role = GgufFileType.Role.OUTPUT;
            } else if (m.matches() && LAYER_TENSORS.containsKey(m.group(2))) {
                layer = Integer.parseInt(m.group(1));
                String local = LAYER_TENSORS.get(m.group(2));
                gguf = "blk." + layer + "." + local;
                if (local.equals("attn_v.weight")) {
                    role = GgufFileType.Role.ATTN_V;
                } else if (local.equals("ffn_down.weight")) {
                    role = GgufFileType.Role.FFN_DOWN;
                }
            } else {
                throw new IllegalArgumentException("tensor '" + hf + "' has no GGUF name for architecture " + arch);
            }
            GgmlType t;
            try {
                t = shape.length < 2 ? GgmlType.F32 : type.typeOf(role, layer, layers, shape[shape.length - 1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tensor '" + hf + "' " + java.util.Arrays.toString(shape) + ": "
                        + e.getMessage());
            }
            Supplier<float[]> values = () -> Tensors.toFloatArray(array);
            if (permute && (hf.endsWith("q_proj.weight") || hf.endsWith("q_proj.bias"))) {
                values = permuted(values, c.numAttentionHeads(), shape);
            } else if (permute && (hf.endsWith("k_proj.weight") || hf.endsWith("k_proj.bias"))) {
                values = permuted(values, c.numKeyValueHeads(), shape);
            }
            w.addTensor(gguf, shape, t, values);
        }
        return w;
    }

    /**
     * The converter's {@code permute}: within each head, row {@code j * half + i} of transformers'
     * rotate-half layout moves to row {@code 2 * i + j}, so llama.cpp's rotation of adjacent pairs
     * turns the same pairs of dimensions.
     */
    static Supplier<float[]> permuted(Supplier<float[]> values, int heads, long[] shape) {
        return () -> {
            float[] in = values.get();
            int rows = Math.toIntExact(shape[0]);
            int cols = shape.length > 1 ? Math.toIntExact(shape[1]) : 1;
            int headRows = rows / heads;
            int half = headRows / 2;
            float[] out = new float[in.length];
            for (int h = 0; h < heads; h++) {
                for (int j = 0; j < 2; j++) {
                    for (int i = 0; i < half; i++) {
                        int from = h * headRows + j * half + i;
                        int to = h * headRows + 2 * i + j;
                        System.arraycopy(in, from * cols, out, to * cols, cols);
                    }
                }
            }
            return out;
        };
    }

    /**
     * Llama 3.1's rope scaling as the per-frequency divisors llama.cpp applies
     * ({@code rope_freqs.weight}): each unscaled inverse frequency over the scaled one.
     */
    static float[] ropeFactors(RopeScaling scaling, int headDim, double theta) {
        float[] plain = RopeScaling.NONE.inverseFrequencies(headDim, theta);
        float[] scaled = scaling.inverseFrequencies(headDim, theta);
        float[] out = new float[plain.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = plain[i] / scaled[i];
        }
        return out;
    }
}
