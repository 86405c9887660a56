"""An independent, plain-PyTorch reference of PEFT's LoRA and DoRA forward pass on top of
hf_reference.Model, written from PEFT's documented semantics (and the LoRA / DoRA papers), not
copied from PEFT's code.

For a targeted linear module with frozen weight W [out, in] and bias b, adapter A [r, in],
B [out, r] and scaling s (lora_alpha / r, or lora_alpha / sqrt(r) with use_rslora), in eval mode
(no dropout):
- LoRA:  y = x W^T + b + s * (x A^T) B^T
- DoRA:  n = ||W + s B A|| per output row (PEFT's "column-wise" norm of the [out, in] weight),
         c = m / n (m: the lora_magnitude_vector), and
         y = x W^T + b + (c - 1) * (x W^T) + c * s * (x A^T) B^T
A module in modules_to_save is replaced by its trained copy.

`merged_weights` gives the equivalent plain weights (W + s B A, or c * (W + s B A) for DoRA), so the
unmerged forward can be checked against the unmodified base reference.
"""
import math

import torch

import hf_reference


class Adapter:
    """One adapter on a model: per module path, A and B (and m for DoRA) as float32 tensors."""

    def __init__(self, r, alpha, use_rslora=False, use_dora=False):
        self.r, self.alpha, self.use_dora = r, alpha, use_dora
        self.scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
        self.lora = {}  # module -> (A, B, magnitude or None)
        self.saved = {}  # module -> {"weight": ..., "bias": ...} trained copies (modules_to_save)


class LoraModel(hf_reference.Model):
    def __init__(self, config, weights, adapter):
        super().__init__(config, weights)
        self.adapter = adapter

    def project(self, x, W, module):
        dtype = x.dtype
        if module in self.adapter.saved:
            copy = self.adapter.saved[module]
            return self.linear(x, copy["weight"].to(dtype), None if copy.get("bias") is None else copy["bias"].to(dtype))
        base = super().project(x, W, module)
        if module not in self.adapter.lora:
            return base
        a, b, m = (None if t is None else t.to(dtype) for t in self.adapter.lora[module])
        s = self.adapter.scaling
        lora = (x @ a.t()) @ b.t() * s
        if m is None:
            return base + lora
        w = W[module + ".weight"]
        c = m / dora_norm(w, a, b, s)
        return base + (c - 1) * (x @ w.t()) + c * lora

    def merged_weights(self):
        """Plain weights equal to this adapted model (float64)."""
        out = {n: t.double().clone() for n, t in self.w.items()}
        s = self.adapter.scaling
        for module, (a, b, m) in self.adapter.lora.items():
            w = out[module + ".weight"]
            a, b = a.double(), b.double()
            merged = w + s * (b @ a)
            if m is not None:
                merged = (m.double() / dora_norm(w, a, b, s))[:, None] * merged
            out[module + ".weight"] = merged
        for module, copy in self.adapter.saved.items():
            for k, t in copy.items():
                if t is not None:
                    out[module + "." + k] = t.double()
        return out


def dora_norm(w, a, b, s):
    """||W + s B A|| over the input dimension, one value per output row."""
    return torch.linalg.norm(w + s * (b @ a), dim=1)
