"""Builds the PEFT-adapter fixtures under lib/src/test/resources/fixtures/peft-*/.

Run from the repository root:  /usr/bin/python3 lib/src/test/fixtures-recipe/make_lora_fixtures.py

Each case is an adapter in PEFT's layout (adapter_config.json + adapter_model.safetensors with
PEFT's key names) on one of the base fixtures, with random non-zero weights, and a reference.json
holding the logits lora_reference.py computes (float64, stored as float32) for the base fixture's
inputs, read back from the files just written. Deterministic (fixed seeds, one thread).
"""
import json
import os
import re
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hf_reference  # noqa: E402
import lora_reference  # noqa: E402
import make_fixtures  # noqa: E402
import safetensors_io  # noqa: E402

FIXTURES = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures"))
PREFIX = "base_model.model."

torch.set_num_threads(1)

CASES = [
    dict(name="peft-lora", base="llama2", seed=707,
         about="LoRA r=4, alpha 8 on all seven projection kinds of both layers, lm_head in modules_to_save "
               "(its trained copy is stored as base_model.model.lm_head.weight), untied MHA base, F32.",
         config=dict(r=4, lora_alpha=8, lora_dropout=0.05, use_rslora=False, use_dora=False,
                     target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
                     modules_to_save=["lm_head"], layers_to_transform=None)),
    dict(name="peft-dora", base="llama3", seed=808,
         about="DoRA with rsLoRA scaling (alpha 6 / sqrt(r=4) = 3), target_modules a regex (q_proj, v_proj, "
               "down_proj of every layer), magnitudes away from the weight norms, on the tied, GQA, BF16 "
               "llama3 base with its left-padded batch.",
         config=dict(r=4, lora_alpha=6, lora_dropout=0.0, use_rslora=True, use_dora=True,
                     target_modules=r"model\.layers\.\d+\.(self_attn\.(q|v)_proj|mlp\.down_proj)",
                     modules_to_save=None, layers_to_transform=None)),
    dict(name="peft-layers", base="qwen2", seed=909,
         about="LoRA r=2, alpha 4 on q_proj, v_proj, up_proj of layer 1 only (layers_to_transform [1]), with "
               "bias 'all': the Qwen2 q/k/v biases are stored trained (base_layer.bias inside adapted modules).",
         config=dict(r=2, lora_alpha=4, lora_dropout=0.1, use_rslora=False, use_dora=False,
                     target_modules=["q_proj", "v_proj", "up_proj"], modules_to_save=None,
                     layers_to_transform=[1], bias="all")),
]


def peft_config(case):
    c = case["config"]
    return {
        "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": None, "revision": None,
        "inference_mode": True, "r": c["r"], "lora_alpha": c["lora_alpha"], "lora_dropout": c["lora_dropout"],
        "target_modules": c["target_modules"], "bias": c.get("bias", "none"), "fan_in_fan_out": False,
        "use_rslora": c["use_rslora"], "use_dora": c["use_dora"], "init_lora_weights": True,
        "modules_to_save": c["modules_to_save"], "layers_to_transform": c["layers_to_transform"],
        "layers_pattern": None, "rank_pattern": {}, "alpha_pattern": {}, "megatron_config": None,
        "megatron_core": "megatron.core", "loftq_config": {}, "layer_replication": None,
    }


def targeted(module, c):
    """PEFT's matching: a regex must match the whole path; a name the path's end (then the layer filter)."""
    if module == "lm_head" and c["modules_to_save"] and "lm_head" in c["modules_to_save"]:
        return False
    t = c["target_modules"]
    if isinstance(t, str):
        return re.fullmatch(t, module) is not None
    if not any(module == n or module.endswith("." + n) for n in t):
        return False
    layers = c["layers_to_transform"]
    if layers is None:
        return True
    m = re.search(r"\.layers\.(\d+)\.", module)
    return m is not None and int(m.group(1)) in layers


def build(case):
    base_dir = os.path.join(FIXTURES, case["base"])
    out_dir = os.path.join(FIXTURES, case["name"])
    os.makedirs(out_dir, exist_ok=True)
    for fn in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, fn))
    with open(os.path.join(base_dir, "config.json")) as f:
        config = json.load(f)
    base = hf_reference.load_model(base_dir)
    c = case["config"]
    g = torch.Generator().manual_seed(case["seed"])
    modules = sorted({n[:-len(".weight")] for n in base.expected_shapes() if n.endswith("_proj.weight")}
                     | {"lm_head"})

    tensors = {}
    for module in modules:
        if not targeted(module, c):
            continue
        out_f, in_f = base.w[module + ".weight"].shape
        a = 0.3 * torch.randn(c["r"], in_f, generator=g)
        b = 0.3 * torch.randn(out_f, c["r"], generator=g)
        tensors[PREFIX + module + ".lora_A.weight"] = a
        tensors[PREFIX + module + ".lora_B.weight"] = b
        if c["use_dora"]:
            s = c["lora_alpha"] / (c["r"] ** 0.5 if c["use_rslora"] else c["r"])
            norm = lora_reference.dora_norm(base.w[module + ".weight"], a, b, s)
            tensors[PREFIX + module + ".lora_magnitude_vector"] = norm * (1 + 0.2 * torch.randn(out_f, generator=g))
    for module in c["modules_to_save"] or []:
        tensors[PREFIX + module + ".weight"] = base.w[module + ".weight"] + 0.05 * torch.randn(
            base.w[module + ".weight"].shape, generator=g)
    if c.get("bias") == "all":
        for name in base.expected_shapes():
            if name.endswith(".bias"):
                module = name[:-len(".bias")]
                key = PREFIX + module + (".base_layer" if targeted(module, c) else "") + ".bias"
                tensors[key] = base.w[name] + 0.1 * torch.randn(base.w[name].shape, generator=g)

    safetensors_io.save_file(tensors, os.path.join(out_dir, "adapter_model.safetensors"))
    with open(os.path.join(out_dir, "adapter_config.json"), "w") as f:
        json.dump(peft_config(case), f, indent=2)
        f.write("\n")

    # Read back: the reference runs on what a loader sees.
    loaded = {k: t for k, (t, _) in safetensors_io.load_file(os.path.join(out_dir, "adapter_model.safetensors")).items()}
    adapter = lora_reference.Adapter(c["r"], c["lora_alpha"], c["use_rslora"], c["use_dora"])
    weights, _ = hf_reference.load_weights(base_dir)
    for key, t in loaded.items():
        path = key[len(PREFIX):]
        if ".lora_A." in path:
            module = path.split(".lora_A.")[0]
            adapter.lora[module] = (t, loaded[PREFIX + module + ".lora_B.weight"],
                                    loaded.get(PREFIX + module + ".lora_magnitude_vector"))
        elif path.endswith(".base_layer.bias") or (path.endswith(".bias") and c.get("bias") == "all"):
            weights[path.replace(".base_layer", "")] = t  # trained biases replace the base ones
        elif not (".lora_B." in path or path.endswith(".lora_magnitude_vector")):
            module, _, param = path.rpartition(".")
            adapter.saved.setdefault(module, {})[param] = t
    model = lora_reference.LoraModel(config, weights, adapter)

    ref_in = json.load(open(os.path.join(base_dir, "reference.json")))
    ids = torch.tensor(ref_in["input_ids"])
    mask = torch.tensor(ref_in["attention_mask"])
    pos = torch.tensor(ref_in["position_ids"])
    real = mask.bool()
    logits64 = model.forward(ids, mask, pos, dtype=torch.float64)
    checks = {}
    d = float((logits64 - model.forward(ids, mask, pos, dtype=torch.float32).double()).abs()[real].max())
    checks["float32_vs_float64_max_abs_diff"] = d
    assert d < 1e-5, d
    merged = hf_reference.Model(config, {k: v for k, v in model.merged_weights().items()
                                         if not (config.get("tie_word_embeddings") and k == "lm_head.weight")})
    d = float((logits64 - merged.forward(ids, mask, pos, dtype=torch.float64)).abs()[real].max())
    checks["merged_weights_vs_unmerged_adapter_max_abs_diff"] = d
    assert d < 1e-5, d  # hf_reference.Model keeps weights as float32, so the merged ones are rounded once
    base_logits = hf_reference.Model(config, hf_reference.load_weights(base_dir)[0]).forward(ids, mask, pos)
    d = float((logits64 - base_logits).abs()[real].max())
    checks["adapter_vs_base_max_abs_diff"] = d
    assert d > 0.1, f"the adapter barely changes the logits ({d})"
    checks["adapted_modules"] = len(adapter.lora)

    ref = {
        "case": case["name"], "base": case["base"], "about": case["about"],
        "produced_by": "lib/src/test/fixtures-recipe/lora_reference.py (independent plain-PyTorch reference of "
                       "PEFT's LoRA/DoRA math, float64), NOT PEFT",
        "torch_version": torch.__version__, "tolerance": make_fixtures.TOLERANCE,
        "input_ids": ref_in["input_ids"], "attention_mask": ref_in["attention_mask"],
        "position_ids": ref_in["position_ids"], "logits_shape": list(logits64.shape),
        "logits": make_fixtures.f32_list(logits64.masked_fill(~real[:, :, None], 0.0).numpy()),
        "self_checks": checks,
    }
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(ref, f, separators=(",", ":"))
        f.write("\n")
    return checks


def main():
    for case in CASES:
        print(case["name"], json.dumps(build(case)))


if __name__ == "__main__":
    main()
