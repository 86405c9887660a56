"""Checks (or, with --rewrite, regenerates) the fixtures' reference logits with Hugging Face
transformers itself. Needs `torch` and `transformers`; run from the repository root:

    python3 lib/src/test/fixtures-recipe/check_with_transformers.py [--rewrite]

For every fixture directory it loads AutoModelForCausalLM in float32 with eager attention, runs
the stored input_ids / attention_mask / position_ids, prints the max abs difference to the stored
logits on real (attention_mask == 1) positions, re-runs the greedy decoding where greedy_ids is
stored, and exits 1 if any difference exceeds the fixture's tolerance. --rewrite stores
transformers' logits and greedy ids instead (the weights are left as they are).
"""
import json
import os
import sys

import torch
import transformers
from packaging.version import Version
from transformers import AutoModelForCausalLM

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures")


def load(model_dir):
    key = "dtype" if Version(transformers.__version__) >= Version("4.56") else "torch_dtype"
    model = AutoModelForCausalLM.from_pretrained(model_dir, attn_implementation="eager", **{key: torch.float32})
    assert model.dtype == torch.float32
    return model.eval()


@torch.no_grad()
def main():
    rewrite = "--rewrite" in sys.argv[1:]
    ok = True
    for name in sorted(os.listdir(ROOT)):
        d = os.path.join(ROOT, name)
        if not os.path.isfile(os.path.join(d, "reference.json")):
            continue
        with open(os.path.join(d, "reference.json")) as f:
            ref = json.load(f)
        model = load(d)
        ids = torch.tensor(ref["input_ids"])
        mask = torch.tensor(ref["attention_mask"])
        pos = torch.tensor(ref["position_ids"])
        logits = model(input_ids=ids, attention_mask=mask, position_ids=pos).logits.float()
        logits = logits.masked_fill(mask[:, :, None] == 0, 0.0)
        diff = (logits - torch.tensor(ref["logits"])).abs().max().item()
        line = f"{name}: max abs logit diff {diff:.3e}"
        greedy = None
        if "greedy_ids" in ref:
            seq = ids[:1]
            for _ in range(len(ref["greedy_ids"])):
                nxt = model(input_ids=seq).logits[0, -1].argmax()
                seq = torch.cat([seq, nxt.view(1, 1)], dim=1)
            greedy = seq[0, ids.shape[1]:].tolist()
            line += f", greedy {'same' if greedy == ref['greedy_ids'] else 'DIFFERENT: ' + str(greedy)}"
        print(line)
        if rewrite:
            ref["logits"] = logits.tolist()
            ref["produced_by"] = f"transformers {transformers.__version__} (check_with_transformers.py --rewrite)"
            if greedy is not None:
                ref["greedy_ids"] = greedy
            with open(os.path.join(d, "reference.json"), "w") as f:
                json.dump(ref, f, separators=(",", ":"))
                f.write("\n")
        elif diff > ref["tolerance"] or (greedy is not None and greedy != ref["greedy_ids"]):
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
