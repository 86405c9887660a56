package io.tunebook.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * libtorch operators that DJL does not expose, called as one-function TorchScript modules whose
 * source is written here and compiled by libtorch when loaded (no Python involved).
 *
 * <p>Why: each saves whole passes over activation-sized arrays, and the fresh arrays they need.
 * Without {@code torch.silu} the MLP computed SiLU as {@code x·sigmoid(x)}: two passes over a
 * {@code tokens × intermediate} array forward and five in the backward, where {@code silu} and
 * {@code silu_backward} make one each. RMSNorm as {@code x / sqrt(mean(x²) + eps)} took five calls
 * and a division whose backward is dearer than transformers' {@code x · rsqrt(...)}, which the
 * script computes with transformers' own operations in one call. The adapters' dropout drew its
 * mask by filling ones, dropping them out and comparing (four passes) before the two that apply it;
 * the loss made a third logit-sized array for the softmax that an in-place exponential does not need;
 * and attention made its scores and probabilities, which the fused kernel never does. A call costs
 * about 5 µs, twice a plain DJL operator: worth it over a whole sequence's arrays, not for a decoding
 * step's few values, which keep plain operations ({@link Decoding}).
 *
 * <p>A TorchScript archive is a zip of a pickled module object ({@code data.pkl}), its class's
 * source ({@code code/__torch__.py}), the constants' pickle and a format version; a module without
 * parameters needs nothing else. Each is loaded once per JVM and runs with autograd as the calling
 * thread has it (recording inside a gradient collector, not under {@link Autograd#paused}). Only
 * unnamed arrays are passed: DJL's call turns a named array into a dictionary.
 */
public final class ScriptedOps {
    private static final NDManager MODULES = NDManager.newBaseManager();
    private static final Map<String, PtSymbolBlock> LOADED = new ConcurrentHashMap<>();

    private ScriptedOps() {
    }

    /** {@code torch.silu(x)}, transformers' {@code silu} activation. */
    static NDArray silu(NDArray x) {
        return call("return torch.silu(x)", x);
    }

    /**
     * {@code x · rsqrt(mean(x², -1) + eps)}, transformers' {@code LlamaRMSNorm} before its weight, in
     * its operations (so in its rounding).
     */
    static NDArray rmsNormalize(NDArray x, double eps) {
        // Double.toString is the shortest decimal that reads back as the same double: the script's eps is eps.
        return call("return torch.mul(x, torch.rsqrt(torch.add(torch.mean(torch.pow(x, 2), [-1], True), "
                + Double.toString(eps) + ")))", x);
    }

    /**
     * {@code torch.dropout(x, p, train=True)}, the same draws and the same values, with autograd
     * keeping a boolean mask instead of a float one. torch draws its noise as
     * {@code empty_like(x).bernoulli_(1 - p)}, divides it by {@code 1 - p} in place and multiplies
     * x by it, and autograd saves that float noise for the backward: 4 bytes a value, per adapter
     * and layer (226 MiB on mid-100m's 4 × 512 LoRA step). Here the same draw decides which values
     * pass, scaled as torch scales them: {@code where} saves its condition alone, a byte a value, and
     * nothing is filled, divided or multiplied to make the noise.
     */
    public static NDArray dropout(NDArray x, float p) {
        double keep = 1 - (double) p; // as torch computes it from the double DJL passes
        float scale = 1f / (float) keep; // torch divides its float noise by keep: 1 becomes this float
        return call("noise = torch.bernoulli_(torch.empty_like(x), " + Double.toString(keep) + ")\n"
                + "return torch.where(torch.gt(noise, 0.), torch.mul(x, " + Double.toString(scale) + "), 0.)", x);
    }

    /** {@code torch.exp_(x)}: x's values replaced by their exponentials, without a new array; returns a handle on x. */
    public static NDArray expInPlace(NDArray x) {
        return call("return torch.exp_(x)", x);
    }

    /**
     * {@code scaled_dot_product_attention(q, k, v, mask, scale=scale)}, the attention transformers
     * runs by default ({@code attn_implementation="sdpa"}): libtorch's fused CPU kernel computes the
     * softmax block by block, so the {@code batch × heads × seq × keys} scores and probabilities are
     * never made, forward or backward (it keeps one log-sum-exp a query). On tiny-base's 8 × 256 LoRA
     * step the attention is 1.3-1.7× faster than the eager matmul, mask, softmax and matmul, on
     * mid-100m's 4 × 512 twice as fast (bench/README.md); results agree within float rounding (1e-6).
     * Grouped kv heads are repeated per query head first, as transformers does when it passes a mask
     * ({@code repeat_kv}): with {@code enable_gqa=True} libtorch's CPU dispatch falls back to its
     * math path, which makes the scores (tiny-base's shape, forward and backward of one layer: 19.5
     * against 8.7 ms).
     *
     * @param q {@code [batch, heads, seq, headDim]}
     * @param k {@code [batch, kvHeads, keys, headDim]}, v the same
     * @param mask additive, broadcastable to {@code [batch, heads, seq, keys]}, or null when every query sees every key
     * @return {@code [batch, heads, seq, headDim]}
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, float scale) {
        long groups = q.getShape().get(1) / k.getShape().get(1);
        String kv = groups == 1 ? "k, v" : "torch.repeat_interleave(k, " + groups + ", 1), torch.repeat_interleave(v, "
                + groups + ", 1)";
        String options = "0., False, scale=" + Double.toString(scale) + ")";
        if (mask == null) {
            return call("q: Tensor, k: Tensor, v: Tensor",
                    "return torch.scaled_dot_product_attention(q, " + kv + ", None, " + options, q, k, v);
        }
        return call("q: Tensor, k: Tensor, v: Tensor, mask: Tensor",
                "return torch.scaled_dot_product_attention(q, " + kv + ", mask, " + options, q, k, v, mask);
    }

    private static NDArray call(String body, NDArray x) {
        return call("x: Tensor", body, x);
    }

    private static NDArray call(String parameters, String body, NDArray... inputs) {
        NDList in = new NDList(inputs.length);
        for (NDArray x : inputs) {
            in.add(x.getName() == null ? x : x.reshape(x.getShape())); // a view without the name
        }
        return IValueUtils.forward(module(parameters, body), in, true).singletonOrThrow();
    }

    /** The module whose {@code forward(parameters)} runs {@code body} and returns a tensor, compiled once per JVM. */
    static PtSymbolBlock module(String parameters, String body) {
        return module(parameters, "Tensor", body);
    }

    /** The module whose {@code forward(parameters) -> returns} runs {@code body}, compiled once per JVM. */
    static PtSymbolBlock module(String parameters, String returns, String body) {
        return LOADED.computeIfAbsent(parameters + " -> " + returns + "\n" + body, key -> {
            try {
                return JniUtils.loadModule((PtNDManager) MODULES,
                        new ByteArrayInputStream(archive(parameters, returns, body)), false, false);
            } catch (IOException e) {
                throw new UncheckedIOException("libtorch could not load the TorchScript of: " + body, e);
            }
        });
    }

    /**
     * The archive of a module {@code Op} whose {@code forward(parameters) -> returns} runs {@code body}
     * (lines separated by newlines).
     */
    static byte[] archive(String parameters, String returns, String body) {
        String source = "class Op(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.Op, " + parameters + ") -> " + returns + ":\n"
                + "    " + body.replace("\n", "\n    ") + "\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            entry(zip, "op/data.pkl", objectPickle());
            entry(zip, "op/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            entry(zip, "op/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // protocol 2, (), stop
            entry(zip, "op/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: does not happen
        }
        return bytes.toByteArray();
    }

    /**
     * Pickle protocol 2 of an {@code __torch__.Op} object whose state is {@code {"training": True}}:
     * GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK, the key (BINUNICODE), NEWTRUE, SETITEMS, BUILD, STOP.
     */
    private static byte[] objectPickle() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes("c__torch__\nOp\n".getBytes(StandardCharsets.US_ASCII));
        p.writeBytes(new byte[] {')', (byte) 0x81, '}', '('});
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X');
        p.writeBytes(new byte[] {(byte) key.length, 0, 0, 0});
        p.writeBytes(key);
        p.writeBytes(new byte[] {(byte) 0x88, 'u', 'b', '.'});
        return p.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }
}
