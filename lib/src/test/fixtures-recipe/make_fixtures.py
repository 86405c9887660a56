"""Builds the logit-parity fixtures under lib/src/test/resources/fixtures/.

Run from the repository root:  /usr/bin/python3 lib/src/test/fixtures-recipe/make_fixtures.py

Each case is a tiny random-weight checkpoint in Hugging Face layout (config.json +
model.safetensors, or shards + model.safetensors.index.json) and a reference.json holding the
input ids and the logits computed by hf_reference.py (float64, stored as float32), read back from
the files just written, so that F16/BF16 cases are computed on the rounded weights.
Everything is deterministic (fixed seeds, one thread).
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hf_reference  # noqa: E402
import safetensors_io  # noqa: E402

OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures"))
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
TOLERANCE = 1e-4
GREEDY_NEW_TOKENS = 6

torch.set_num_threads(1)


def base_config(arch, model_type, **kw):
    c = {"architectures": [arch], "model_type": model_type, "attention_dropout": 0.0,
         "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "initializer_range": 0.02,
         "max_position_embeddings": 256, "num_hidden_layers": 2, "use_cache": True}
    c.update(kw)
    return c


CASES = [
    dict(name="llama2", seed=101, dtype="float32", batch=2, seq=9, greedy=True,
         about="Llama 2 style: multi-head attention (kv heads == heads), rope_theta 1e4, untied lm_head, "
               "F32, no head_dim key and rope_scaling null in config.json.",
         config=base_config("LlamaForCausalLM", "llama", hidden_size=48, intermediate_size=128,
                            num_attention_heads=4, num_key_value_heads=4, vocab_size=160,
                            rms_norm_eps=1e-5, rope_theta=10000.0, rope_scaling=None,
                            attention_bias=False, mlp_bias=False, pretraining_tp=1,
                            tie_word_embeddings=False, torch_dtype="float32")),
    dict(name="llama3", seed=202, dtype="bfloat16", batch=2, seq=10, pad_row1=3,
         about="Llama 3.1 style: GQA 4 heads / 2 kv heads, rope_theta 5e5, rope_scaling llama3 (factor 8, "
               "low 1, high 4, original_max_position_embeddings 64: with head_dim 16 the 8 frequencies hit "
               "all three branches: kept, smoothly blended, divided by 8), tied embeddings (no "
               "lm_head.weight stored), BF16 weights, eos_token_id a list, and a left-padded batch "
               "(row 1 has 3 pad tokens; attention_mask and position_ids given).",
         config=base_config("LlamaForCausalLM", "llama", hidden_size=64, intermediate_size=160,
                            num_attention_heads=4, num_key_value_heads=2, head_dim=16, vocab_size=192,
                            rms_norm_eps=1e-5, rope_theta=500000.0,
                            rope_scaling={"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                                          "original_max_position_embeddings": 64, "rope_type": "llama3"},
                            attention_bias=False, mlp_bias=False, pretraining_tp=1, eos_token_id=[2, 3],
                            tie_word_embeddings=True, torch_dtype="bfloat16")),
    dict(name="mistral", seed=303, dtype="float16", batch=1, seq=12,
         about="Mistral style: GQA 4/2, sliding_window 4 with a 12-token sequence (the window changes "
               "the logits from position 4 on), F16 weights (some are F16 subnormals), head_dim null.",
         config=base_config("MistralForCausalLM", "mistral", hidden_size=64, intermediate_size=128,
                            num_attention_heads=4, num_key_value_heads=2, head_dim=None, vocab_size=128,
                            rms_norm_eps=1e-5, rope_theta=10000.0, sliding_window=4,
                            tie_word_embeddings=False, torch_dtype="float16")),
    dict(name="qwen2", seed=404, dtype="float32", batch=2, seq=8, greedy=True,
         about="Qwen2/2.5 style: biases on q, k, v (none on o), GQA 4/2, rope_theta 1e6, tied "
               "embeddings, F32; use_sliding_window false (sliding_window 32768 is ignored).",
         config=base_config("Qwen2ForCausalLM", "qwen2", hidden_size=48, intermediate_size=128,
                            num_attention_heads=4, num_key_value_heads=2, vocab_size=160,
                            rms_norm_eps=1e-6, rope_theta=1000000.0, rope_scaling=None,
                            use_sliding_window=False, sliding_window=32768, max_window_layers=2,
                            tie_word_embeddings=True, torch_dtype="float32")),
    dict(name="qwen3", seed=505, dtype="float32", batch=2, seq=7,
         about="Qwen3 style: q_norm/k_norm per head before RoPE, head_dim 16 != hidden 32 / 4 heads "
               "(q_proj is 64x32, o_proj 32x64), GQA 4/2, rope_theta 1e6, untied, F32.",
         config=base_config("Qwen3ForCausalLM", "qwen3", hidden_size=32, intermediate_size=96,
                            num_attention_heads=4, num_key_value_heads=2, head_dim=16, vocab_size=128,
                            rms_norm_eps=1e-6, rope_theta=1000000.0, rope_scaling=None,
                            attention_bias=False, use_sliding_window=False, sliding_window=None,
                            max_window_layers=2, tie_word_embeddings=False, torch_dtype="float32")),
    dict(name="llama-sharded", seed=606, dtype="float32", batch=1, seq=8, shards=2,
         about="Like llama2 (MHA, untied, F32) but smaller and split over two shards with "
               "model.safetensors.index.json; the split falls inside layer 1 (its attention in shard 1, "
               "its MLP in shard 2).",
         config=base_config("LlamaForCausalLM", "llama", hidden_size=32, intermediate_size=96,
                            num_attention_heads=4, num_key_value_heads=4, vocab_size=128,
                            rms_norm_eps=1e-5, rope_theta=10000.0, rope_scaling=None,
                            attention_bias=False, mlp_bias=False, pretraining_tp=1,
                            tie_word_embeddings=False, torch_dtype="float32")),
]


# ----------------------------------------------------------------------------- weights

def make_weights(model, g):
    """Random weights for every expected tensor (float32, before storage rounding)."""
    out = {}
    for name, shape in model.expected_shapes().items():
        if name.endswith("norm.weight") or name.endswith("layernorm.weight"):
            t = 1.0 + 0.1 * torch.randn(shape, generator=g)
        elif name.endswith(".bias"):
            t = 0.2 * torch.randn(shape, generator=g)
        elif name == "model.embed_tokens.weight":
            t = 0.25 * torch.randn(shape, generator=g)
        else:
            t = 0.15 * torch.randn(shape, generator=g)
        out[name] = t
    return out


def write_checkpoint(case, model_dir, weights):
    st_dtype = DTYPES[case["dtype"]]
    stored = {n: t.to(st_dtype) for n, t in weights.items()}
    shards = case.get("shards", 1)
    if shards == 1:
        safetensors_io.save_file(stored, os.path.join(model_dir, "model.safetensors"))
        return stored
    assert shards == 2
    first = {n for n in stored if n.startswith("model.embed_tokens.") or n.startswith("model.layers.0.")
             or n.startswith("model.layers.1.self_attn.") or n.startswith("model.layers.1.input_layernorm.")}
    weight_map, total = {}, 0
    for k, names in enumerate([sorted(first), sorted(set(stored) - first)]):
        fn = f"model-{k + 1:05d}-of-{shards:05d}.safetensors"
        total += safetensors_io.save_file({n: stored[n] for n in names}, os.path.join(model_dir, fn))
        weight_map.update({n: fn for n in names})
    with open(os.path.join(model_dir, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total},
                   "weight_map": dict(sorted(weight_map.items()))}, f, indent=2)
        f.write("\n")
    return stored


# ----------------------------------------------------------------------------- independent naive check

def naive_row_logits(model, ids, mask, pos):
    """Token-by-token, head-by-head float64 loops (a second, differently structured computation).
    Returns [S, V]; rows at padded positions are left as zeros."""
    W = {n: t.double() for n, t in model.w.items()}
    S, D, nh, nkv = len(ids), model.head_dim, model.n_heads, model.n_kv
    half = D // 2
    inv = [float(f) for f in model.inv_freq]

    def norm(x, w):
        return w * x / torch.sqrt((x * x).mean() + model.eps)

    def rope(v, p):
        out = v.clone()
        for m in range(half):
            c, s = np.cos(p * inv[m]), np.sin(p * inv[m])
            out[m] = v[m] * c - v[m + half] * s
            out[m + half] = v[m + half] * c + v[m] * s
        return out

    def lin(x, n):
        y = W[n + ".weight"] @ x
        return y + W[n + ".bias"] if n + ".bias" in W else y

    xs = [W["model.embed_tokens.weight"][t].clone() for t in ids]
    for layer in range(model.n_layers):
        p = f"model.layers.{layer}."
        win = model.windows[layer]
        Q, K, V = [], [], []
        for t in range(S):
            h = norm(xs[t], W[p + "input_layernorm.weight"])
            q = lin(h, p + "self_attn.q_proj").view(nh, D)
            k = lin(h, p + "self_attn.k_proj").view(nkv, D)
            v = lin(h, p + "self_attn.v_proj").view(nkv, D)
            if model.qk_norm:
                q = torch.stack([norm(q[a], W[p + "self_attn.q_norm.weight"]) for a in range(nh)])
                k = torch.stack([norm(k[a], W[p + "self_attn.k_norm.weight"]) for a in range(nkv)])
            Q.append(torch.stack([rope(q[a], pos[t]) for a in range(nh)]))
            K.append(torch.stack([rope(k[a], pos[t]) for a in range(nkv)]))
            V.append(v)
        new = []
        for t in range(S):
            heads = []
            for a in range(nh):
                kv = a // (nh // nkv)
                keys = [j for j in range(t + 1) if mask[j] and (win is None or t - j < win)]
                if not keys:
                    heads.append(torch.zeros(D, dtype=torch.float64))
                    continue
                sc = torch.stack([Q[t][a] @ K[j][kv] / np.sqrt(D) for j in keys])
                pr = torch.softmax(sc, 0)
                heads.append(sum(pr[n] * V[j][kv] for n, j in enumerate(keys)))
            x = xs[t] + lin(torch.cat(heads), p + "self_attn.o_proj")
            h = norm(x, W[p + "post_attention_layernorm.weight"])
            gate = lin(h, p + "mlp.gate_proj")
            x = x + lin(gate * torch.sigmoid(gate) * lin(h, p + "mlp.up_proj"), p + "mlp.down_proj")
            new.append(x)
        xs = new
    out = torch.zeros(S, W["lm_head.weight"].shape[0], dtype=torch.float64)
    for t in range(S):
        if mask[t]:
            out[t] = W["lm_head.weight"] @ norm(xs[t], W["model.norm.weight"])
    return out


# ----------------------------------------------------------------------------- per case

def f32_list(a):
    """Nested lists of floats whose decimal text is the shortest that round-trips to float32."""
    a = np.asarray(a, dtype=np.float32)
    if a.ndim == 0:
        return float(str(np.float32(a)))
    return [f32_list(x) for x in a]


def build(case):
    name = case["name"]
    model_dir = os.path.join(OUT, name)
    os.makedirs(model_dir, exist_ok=True)
    for fn in os.listdir(model_dir):
        os.remove(os.path.join(model_dir, fn))
    config = case["config"]
    with open(os.path.join(model_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")

    g = torch.Generator().manual_seed(case["seed"])
    weights = make_weights(_shapes(config), g)
    stored = write_checkpoint(case, model_dir, weights)

    # Read back from disk: the reference runs on what a loader sees.
    loaded, dtypes = hf_reference.load_weights(model_dir)
    assert set(loaded) == set(stored)
    for n, t in stored.items():
        assert torch.equal(loaded[n], t.float()), f"{name}: {n} does not round-trip"
        assert dtypes[n] == {"float32": "F32", "float16": "F16", "bfloat16": "BF16"}[case["dtype"]]
    tied = config["tie_word_embeddings"]
    assert ("lm_head.weight" in loaded) == (not tied), f"{name}: lm_head.weight presence vs tie"
    model = hf_reference.load_model(model_dir)
    if tied:
        assert model.w["lm_head.weight"] is model.w["model.embed_tokens.weight"]
        try:
            hf_reference.Model(config, dict(loaded, **{"lm_head.weight": loaded["model.embed_tokens.weight"]}))
            raise AssertionError("a stored lm_head.weight should be refused when tied")
        except ValueError:
            pass

    # Inputs.
    B, S, V = case["batch"], case["seq"], config["vocab_size"]
    ids = torch.randint(3, V, (B, S), generator=g)
    mask = torch.ones(B, S, dtype=torch.long)
    pad = case.get("pad_row1", 0)
    if pad:
        ids[1, :pad] = 0  # pad id 0
        mask[1, :pad] = 0
    pos = hf_reference.default_position_ids(mask)

    logits64 = model.forward(ids, mask, pos, dtype=torch.float64)
    logits32 = model.forward(ids, mask, pos, dtype=torch.float32)
    real = mask.bool()
    checks = {}
    d = float((logits64 - logits32.double()).abs()[real].max())
    checks["float32_vs_float64_max_abs_diff"] = d
    assert d < 1e-5, f"{name}: float32 vs float64 differ by {d}"

    naive = torch.stack([naive_row_logits(model, ids[b].tolist(), mask[b].tolist(), pos[b].tolist())
                         for b in range(B)])
    d = float((logits64 - naive).abs()[real].max())
    checks["naive_loops_vs_vectorised_max_abs_diff"] = d
    assert d < 1e-9, f"{name}: naive loops vs vectorised differ by {d}"

    if pad:
        worst = 0.0
        for b in range(B):
            r = mask[b].bool()
            single = model.forward(ids[b][r][None], dtype=torch.float64)[0]
            worst = max(worst, float((single - logits64[b][r]).abs().max()))
        checks["padded_rows_vs_unpadded_single_max_abs_diff"] = worst
        assert worst < 1e-9, f"{name}: padded batch differs from single sequences by {worst}"

    if config.get("model_type") == "mistral":
        model.windows = [None] * model.n_layers
        full = model.forward(ids, mask, pos, dtype=torch.float64)
        model.windows = [config["sliding_window"]] * model.n_layers
        w = config["sliding_window"]
        inside = float((full[:, :w] - logits64[:, :w]).abs().max())
        outside = float((full[:, w:] - logits64[:, w:]).abs().max())
        checks["sliding_window_effect_first_window_positions"] = inside
        checks["sliding_window_effect_later_positions"] = outside
        assert inside < 1e-12 and outside > 0.05, f"{name}: window effect {inside} / {outside}"

    rs = config.get("rope_scaling")
    if rs and rs.get("rope_type") == "llama3":
        base = hf_reference.rope_inv_freq(dict(config, rope_scaling=None), model.head_dim)
        wl = 2 * np.pi / base.double().numpy()
        lo = rs["original_max_position_embeddings"] / rs["low_freq_factor"]
        hi = rs["original_max_position_embeddings"] / rs["high_freq_factor"]
        branches = ["kept" if x < hi else "divided" if x > lo else "blended" for x in wl]
        checks["llama3_rope_branches"] = branches
        assert {"kept", "blended", "divided"} <= set(branches), branches
        # independent float64 formula
        for m, (b0, s0) in enumerate(zip(base.double().tolist(), model.inv_freq.double().tolist())):
            if branches[m] == "kept":
                e = b0
            elif branches[m] == "divided":
                e = b0 / rs["factor"]
            else:
                sm = (rs["original_max_position_embeddings"] / wl[m] - rs["low_freq_factor"]) / (
                    rs["high_freq_factor"] - rs["low_freq_factor"])
                e = (1 - sm) * b0 / rs["factor"] + sm * b0
            assert abs(e - s0) <= 1e-6 * abs(e), (m, e, s0)

    ref = {
        "case": name,
        "about": case["about"],
        "produced_by": "lib/src/test/fixtures-recipe/hf_reference.py (independent plain-PyTorch reference, "
                       "float64), NOT transformers",
        "torch_version": torch.__version__,
        "stored_weight_dtype": case["dtype"],
        "tolerance": TOLERANCE,
        "input_ids": ids.tolist(),
        "attention_mask": mask.tolist(),
        "position_ids": pos.tolist(),
        "rope_inv_freq": f32_list(model.inv_freq.numpy()),
        "logits_shape": [B, S, V],
        "logits": f32_list(logits64.masked_fill(~real[:, :, None], 0.0).numpy()),
        "self_checks": checks,
    }
    if case.get("greedy"):
        new, margin = model.greedy(ids[0].tolist(), GREEDY_NEW_TOKENS)
        new32, _ = model.greedy(ids[0].tolist(), GREEDY_NEW_TOKENS, dtype=torch.float32)
        assert new == new32, f"{name}: greedy differs between float32 and float64"
        eos = config["eos_token_id"]
        eos = eos if isinstance(eos, list) else [eos]
        assert not set(new) & set(eos), f"{name}: greedy produced an eos id"
        assert margin > 1e-2, f"{name}: greedy top-1/top-2 margin only {margin}"
        ref["greedy_ids"] = new
        ref["greedy_min_margin"] = round(margin, 6)
        checks["greedy_min_top1_top2_margin"] = margin
    with open(os.path.join(model_dir, "reference.json"), "w") as f:
        json.dump(ref, f, separators=(",", ":"))
        f.write("\n")
    return checks


def _shapes(config):
    """A Model whose expected_shapes() lists the tensors the checkpoint must hold."""
    class Shapes(hf_reference.Model):
        def _check_weights(self, weights, strict_tie):
            return {}
    return Shapes(config, {})


def main():
    total_checks = {}
    for case in CASES:
        checks = build(case)
        total_checks[case["name"]] = checks
        print(case["name"], json.dumps(checks))
    size = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(OUT) for f in fs)
    print(f"fixtures total: {size} bytes")
    assert size < 2 * 1024 * 1024


if __name__ == "__main__":
    main()
