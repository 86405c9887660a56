"""Checks the PEFT-adapter fixtures (fixtures/peft-*) with real PEFT and transformers, for a machine
that has them (the fixtures were made without PEFT, see the fixtures README).

    python3 lib/src/test/fixtures-recipe/check_with_peft.py            # compare, exit 1 on mismatch
    python3 lib/src/test/fixtures-recipe/check_with_peft.py --rewrite  # store PEFT's logits instead

For each case: loads the base fixture with AutoModelForCausalLM (float32, eager attention), loads
the adapter with PeftModel.from_pretrained, feeds the stored input_ids / attention_mask /
position_ids and compares the logits on real tokens to reference.json (tolerance 1e-4). It also
builds the same adapter with get_peft_model(LoraConfig.from_pretrained(dir)) and checks that PEFT's
own state-dict keys and shapes are exactly those of adapter_model.safetensors.
"""
import json
import os
import sys

import torch
from peft import LoraConfig, PeftModel, get_peft_model, get_peft_model_state_dict
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures"))
CASES = ["peft-lora", "peft-dora", "peft-layers"]


def base_model(case_ref):
    return AutoModelForCausalLM.from_pretrained(os.path.join(FIXTURES, case_ref["base"]), torch_dtype=torch.float32,
                                                attn_implementation="eager")


def main():
    rewrite = "--rewrite" in sys.argv
    failed = False
    for name in CASES:
        adapter_dir = os.path.join(FIXTURES, name)
        ref_path = os.path.join(adapter_dir, "reference.json")
        with open(ref_path) as f:
            ref = json.load(f)
        model = PeftModel.from_pretrained(base_model(ref), adapter_dir).eval()
        mask = torch.tensor(ref["attention_mask"])
        with torch.no_grad():
            logits = model(input_ids=torch.tensor(ref["input_ids"]), attention_mask=mask,
                           position_ids=torch.tensor(ref["position_ids"])).logits
        real = mask.bool()
        diff = float((logits - torch.tensor(ref["logits"])).abs()[real].max())
        print(f"{name}: max abs logit difference vs reference.json {diff:.3g}")
        if diff > ref["tolerance"]:
            failed = True

        fresh = get_peft_model(base_model(ref), LoraConfig.from_pretrained(adapter_dir))
        expected = {k: tuple(v.shape) for k, v in get_peft_model_state_dict(fresh).items()}
        stored = {k: tuple(v.shape) for k, v in load_file(os.path.join(adapter_dir, "adapter_model.safetensors")).items()}
        if expected != stored:
            failed = True
            print(f"{name}: keys differ from PEFT's: missing {sorted(set(expected) - set(stored))}, "
                  f"extra {sorted(set(stored) - set(expected))}, shapes "
                  f"{[(k, expected[k], stored[k]) for k in expected if k in stored and expected[k] != stored[k]]}")

        if rewrite:
            ref["logits"] = logits.masked_fill(~real[:, :, None], 0.0).tolist()
            ref["produced_by"] = "PEFT (check_with_peft.py --rewrite)"
            with open(ref_path, "w") as f:
                json.dump(ref, f, separators=(",", ":"))
                f.write("\n")
    sys.exit(1 if failed and not rewrite else 0)


if __name__ == "__main__":
    main()
