#!/usr/bin/env python3
"""Plain-PyTorch twin of `tunebook bench`: the same decoder, the same step, the same measurements.

usage: pytorch_bench.py MODEL_DIR|CONFIG_JSON [--batch 4] [--seq 256] [--steps 10] [--gen-tokens 64]
                        [--threads N] [--json]

--threads defaults to $OMP_NUM_THREADS when set, else os.cpu_count() (what the Java bench reports
as "threads"); an OpenBLAS loaded at run time is given the same count.

Builds the Llama / Mistral / Qwen2 / Qwen3 decoder described by config.json as an nn.Module
(float32, CPU), loads MODEL_DIR/model.safetensors when there is one (random init otherwise:
throughput does not depend on the weights), and measures what BenchCommand.java measures:

  matmul_peak_gflops  best float32 GFLOP/s over square matmuls of 512, 1024 and 2048
  forward             batch x seq random tokens, no grad, 1 warm-up pass + `steps` timed passes
  train               forward + causal-LM cross-entropy (shifted labels) + backward + global-norm
                      clip at 1.0 + torch.optim.AdamW step (lr 1e-5, cosine schedule with 10% warmup,
                      weight decay 0.01 except norm scales) + zero_grad; 1 warm-up step + `steps` timed
  generate            greedy, batch 1, 16-token random prompt, `gen-tokens` new tokens, KV cache
                      (prefill, then one token at a time); 4-token warm-up run excluded
  mfu                 tokens/s x FLOPs/token / matmul peak, FLOPs/token (forward) =
                      2 x matmul weights (incl. lm_head) + 4 x layers x seq x heads x head_dim,
                      training = 3 x forward
  peak_rss_mb         ru_maxrss of this process (the same counter as /proc/self/status VmHWM)
  peak_rss_mb_after   that counter after each phase (forward, generate, generate_batched, train)
  blas                (extra key) the BLAS library torch's matmuls went through

The JSON keys are those of `tunebook bench --json`, with engine "PyTorch <version> (python)".
Only the standard library and torch are needed.
"""

import argparse
import ctypes
import json
import math
import os
import random
import resource
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

QWEN2 = "Qwen2ForCausalLM"
QWEN3 = "Qwen3ForCausalLM"
MISTRAL = "MistralForCausalLM"
SUPPORTED = ("LlamaForCausalLM", MISTRAL, QWEN2, QWEN3)


# ----------------------------------------------------------------------------------------------
# config


class Config:
    """The config.json fields the decoder needs, with the defaults ModelConfig.java uses."""

    def __init__(self, j, source):
        arch = (j.get("architectures") or [None])[0]
        if arch not in SUPPORTED:
            raise SystemExit(f"{source}: unsupported architecture {arch!r}; supported: {', '.join(SUPPORTED)}")
        self.architecture = arch
        self.vocab_size = int(j["vocab_size"])
        self.hidden_size = int(j["hidden_size"])
        self.intermediate_size = int(j["intermediate_size"])
        self.num_hidden_layers = int(j["num_hidden_layers"])
        self.num_attention_heads = int(j["num_attention_heads"])
        self.num_key_value_heads = int(j.get("num_key_value_heads") or self.num_attention_heads)
        self.head_dim = int(j.get("head_dim") or self.hidden_size // self.num_attention_heads)
        self.rms_norm_eps = float(j.get("rms_norm_eps", 1e-6))
        self.rope_theta = float(j.get("rope_theta", 10000.0))
        self.rope_scaling = j.get("rope_scaling") or None
        self.max_position_embeddings = int(j.get("max_position_embeddings") or 2048)
        self.tie_word_embeddings = bool(j.get("tie_word_embeddings", False))
        self.attention_bias = arch == QWEN2 or bool(j.get("attention_bias", False))
        self.mlp_bias = bool(j.get("mlp_bias", False))
        self.qk_norm = arch == QWEN3
        window = j.get("sliding_window")
        use_window = arch == MISTRAL or (arch == QWEN2 and j.get("use_sliding_window", False))
        self.sliding_window = int(window) if (use_window and window) else None

    @staticmethod
    def read(path):
        with open(path) as f:
            return Config(json.load(f), path)


def matmul_weights(c):
    """Weights that take part in a matmul per token: attention, MLP and the lm_head (as the Java bench)."""
    d = c.hidden_size
    attention = d * c.head_dim * (2 * c.num_attention_heads + 2 * c.num_key_value_heads)
    mlp = 3 * d * c.intermediate_size
    return c.num_hidden_layers * (attention + mlp) + c.vocab_size * d


# ----------------------------------------------------------------------------------------------
# model (Hugging Face parameter names, so a checkpoint loads by name)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        variance = x.pow(2).mean(-1, keepdim=True)
        return x * torch.rsqrt(variance + self.eps) * self.weight


def inverse_frequencies(c):
    """1 / theta^(2i/d) in float32, rescaled as RopeScaling.java does (default, linear, llama3)."""
    exponent = torch.arange(0, c.head_dim, 2, dtype=torch.float32) / c.head_dim
    inv = 1.0 / (c.rope_theta ** exponent)
    rs = c.rope_scaling
    kind = (rs or {}).get("rope_type", (rs or {}).get("type", "default"))
    if kind == "linear":
        inv = inv / float(rs["factor"])
    elif kind == "llama3":
        factor = float(rs["factor"])
        low, high = float(rs["low_freq_factor"]), float(rs["high_freq_factor"])
        original = float(rs["original_max_position_embeddings"])
        wavelen = 2 * math.pi / inv
        smooth = (original / wavelen - low) / (high - low)
        blended = (1 - smooth) * inv / factor + smooth * inv
        inv = torch.where(wavelen < original / high, inv,
                          torch.where(wavelen > original / low, inv / factor, blended))
    elif kind != "default":
        raise SystemExit(f"unsupported rope_scaling type {kind!r}")
    return inv


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = c.num_attention_heads, c.num_key_value_heads, c.head_dim
        self.q_proj = nn.Linear(c.hidden_size, self.heads * self.head_dim, bias=c.attention_bias)
        self.k_proj = nn.Linear(c.hidden_size, self.kv_heads * self.head_dim, bias=c.attention_bias)
        self.v_proj = nn.Linear(c.hidden_size, self.kv_heads * self.head_dim, bias=c.attention_bias)
        self.o_proj = nn.Linear(self.heads * self.head_dim, c.hidden_size, bias=False)
        if c.qk_norm:
            self.q_norm = RMSNorm(self.head_dim, c.rms_norm_eps)
            self.k_norm = RMSNorm(self.head_dim, c.rms_norm_eps)
        else:
            self.q_norm = self.k_norm = None
        self.scale = 1.0 / math.sqrt(self.head_dim)

    def split(self, x, n, norm):
        b, s, _ = x.shape
        x = x.view(b, s, n, self.head_dim)
        if norm is not None:
            x = norm(x)
        return x.transpose(1, 2)  # [b, n, s, head_dim]

    def forward(self, x, cos, sin, mask, cache=None, layer=0):
        b, s, _ = x.shape
        q = self.split(self.q_proj(x), self.heads, self.q_norm)
        k = self.split(self.k_proj(x), self.kv_heads, self.k_norm)
        v = self.split(self.v_proj(x), self.kv_heads, None)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            k, v = cache.append(layer, k, v)
        keys = k.shape[2]
        group = self.heads // self.kv_heads
        # Grouped-query attention as Attention.java does it: the `group` query heads that share a
        # kv head are stacked along the sequence axis, so k and v are never repeated.
        grouped = q.reshape(b, self.kv_heads, group * s, self.head_dim)
        scores = torch.matmul(grouped, k.transpose(2, 3)).view(b, self.heads, s, keys) * self.scale + mask
        probs = torch.softmax(scores, dim=-1).view(b, self.kv_heads, group * s, keys)
        out = torch.matmul(probs, v).view(b, self.heads, s, self.head_dim)
        out = out.transpose(1, 2).reshape(b, s, self.heads * self.head_dim)
        return self.o_proj(out)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=c.mlp_bias)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=c.mlp_bias)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=c.mlp_bias)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = Attention(c)
        self.mlp = MLP(c)
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)

    def forward(self, x, cos, sin, mask, cache, layer):
        h = x + self.self_attn(self.input_layernorm(x), cos, sin, mask, cache, layer)
        return h + self.mlp(self.post_attention_layernorm(h))


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(c) for _ in range(c.num_hidden_layers))
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)


class KvCache:
    """Keys (after RoPE) and values per layer, [batch, kv_heads, seq, head_dim], grown by concat."""

    def __init__(self, layers):
        self.keys = [None] * layers
        self.values = [None] * layers

    def length(self):
        return 0 if self.keys[-1] is None else self.keys[-1].shape[2]

    def append(self, layer, k, v):
        if self.keys[layer] is not None:
            k = torch.cat((self.keys[layer], k), dim=2)
            v = torch.cat((self.values[layer], v), dim=2)
        self.keys[layer], self.values[layer] = k, v
        return k, v


class CausalLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.model = Decoder(c)
        self.lm_head = None if c.tie_word_embeddings else nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        self.register_buffer("inv_freq", inverse_frequencies(c), persistent=False)
        self.reset_parameters()

    def reset_parameters(self, std=0.02):
        with torch.no_grad():
            for name, p in self.named_parameters():
                if name.endswith("norm.weight"):
                    p.fill_(1.0)
                elif name.endswith(".bias"):
                    p.zero_()
                else:
                    p.normal_(0.0, std)

    def head_weight(self):
        return self.model.embed_tokens.weight if self.lm_head is None else self.lm_head.weight

    def mask(self, past, seq, device):
        """Additive [1, 1, seq, past+seq] mask: 0 where a query may attend, -FLT_MAX elsewhere."""
        query = torch.arange(past, past + seq, device=device).view(seq, 1)
        key = torch.arange(0, past + seq, device=device).view(1, past + seq)
        allowed = key <= query
        if self.config.sliding_window is not None:
            allowed = allowed & ((query - key) < self.config.sliding_window)
        return (allowed.float() - 1.0).mul_(torch.finfo(torch.float32).max).view(1, 1, seq, past + seq)

    def hidden_states(self, ids, cache=None):
        past = 0 if cache is None else cache.length()
        seq = ids.shape[1]
        positions = torch.arange(past, past + seq, dtype=torch.float32, device=ids.device)
        freqs = positions[:, None] * self.inv_freq[None, :]
        angles = torch.cat((freqs, freqs), dim=-1)[None, None]  # [1, 1, seq, head_dim]
        cos, sin = angles.cos(), angles.sin()
        mask = self.mask(past, seq, ids.device)
        x = self.model.embed_tokens(ids)
        for i, layer in enumerate(self.model.layers):
            x = layer(x, cos, sin, mask, cache, i)
        return self.model.norm(x)

    def logits(self, hidden):
        return F.linear(hidden, self.head_weight())

    def forward(self, ids, cache=None):
        return self.logits(self.hidden_states(ids, cache))


class LoraLinear(nn.Module):
    """PEFT's LoRA on a frozen nn.Linear: base(x) + B(A(dropout(x))) * alpha / r, A Kaiming-uniform as
    nn.Linear initialises it (PEFT's default init_lora_weights=True), B zero: the same step and init as
    tunebook's LoraLinear."""

    def __init__(self, base, r, alpha, dropout):
        super().__init__()
        self.base = base
        self.lora_A = nn.Linear(base.in_features, r, bias=False)
        self.lora_B = nn.Linear(r, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.dropout = nn.Dropout(dropout)
        self.scaling = alpha / r

    def forward(self, x):
        return self.base(x) + self.lora_B(self.lora_A(self.dropout(x))) * self.scaling


LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj")


def add_lora(model, r=16, alpha=32, dropout=0.05):
    """Freezes every weight and wraps q, k, v and o of every layer, as `tunebook bench --method lora` does."""
    for p in model.parameters():
        p.requires_grad_(False)
    for layer in model.model.layers:
        for name in LORA_TARGETS:
            setattr(layer.self_attn, name, LoraLinear(getattr(layer.self_attn, name), r, alpha, dropout))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ----------------------------------------------------------------------------------------------
# optional weights: a minimal safetensors reader (8-byte little-endian header length, JSON header,
# raw little-endian data), float32 / float16 / bfloat16 only


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = bytearray(data[start:end])
        dtype, shape = info["dtype"], info["shape"]
        if dtype == "F32":
            t = torch.frombuffer(raw, dtype=torch.float32) if raw else torch.empty(0)
        elif dtype == "F16":
            t = torch.frombuffer(raw, dtype=torch.float16).float()
        elif dtype == "BF16":
            t = torch.frombuffer(raw, dtype=torch.bfloat16).float()
        else:
            raise SystemExit(f"{path}: tensor {name} has dtype {dtype}; only F32, F16 and BF16 are read")
        out[name] = t.reshape(shape).clone()
    return out


def load_weights(model, path):
    tensors = read_safetensors(path)
    params = dict(model.named_parameters())
    missing = [n for n in params if n not in tensors]
    with torch.no_grad():
        for name, p in params.items():
            if name in tensors:
                if tuple(tensors[name].shape) != tuple(p.shape):
                    raise SystemExit(f"{path}: {name} has shape {list(tensors[name].shape)}, "
                                     f"config.json implies {list(p.shape)}")
                p.copy_(tensors[name])
    return missing


# ----------------------------------------------------------------------------------------------
# measurements, one function per BenchCommand.java method


def loaded_blas():
    """Which BLAS torch's matmuls go through, read from this process's mapped libraries (Linux).

    Debian's torch is built with BLAS_INFO=generic and calls whatever libblas.so.3 the loader finds:
    the netlib reference BLAS by default (single-threaded, ~15x slower), OpenBLAS when installed or
    put first on LD_LIBRARY_PATH. Official PyTorch builds (and DJL's libtorch) use MKL instead.
    """
    if "BLAS_INFO=mkl" in torch.__config__.show():
        return "mkl"
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if ".so" in line}
    except OSError:
        return "unknown"
    for lib in sorted(libs):
        name = os.path.basename(lib)
        if "openblas" in name or "openblas" in lib:
            return "openblas (" + os.path.dirname(os.path.realpath(lib)) + ")"
        if "mkl" in name:
            return "mkl"
        if "blis" in lib:
            return "blis"
    for lib in sorted(libs):
        if os.path.basename(lib).startswith("libblas.so"):
            return "reference (" + os.path.realpath(lib) + ")"
    return "unknown"


def match_blas_threads(n):
    """Debian's generic-BLAS torch does not pass set_num_threads on to an OpenBLAS found at run time,
    which would then use all cores: give it the same count unless OPENBLAS_NUM_THREADS says otherwise."""
    if os.environ.get("OPENBLAS_NUM_THREADS"):
        return
    torch.matmul(torch.ones(64, 64), torch.ones(64, 64))  # make sure the BLAS is loaded
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "openblas" in line and ".so" in line}
        for lib in libs:
            ctypes.CDLL(lib).openblas_set_num_threads(n)
    except (OSError, AttributeError):
        pass


def matmul_peak_gflops():
    best = 0.0
    for n in (512, 1024, 2048):
        x, y = torch.randn(n, n), torch.randn(n, n)
        torch.matmul(x, y)
        reps = max(2, int(4e9 / (2.0 * n * n * n)))
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.matmul(x, y)
        s = time.perf_counter() - t0
        best = max(best, 2.0 * n * n * n * reps / s / 1e9)
    return best


class TokenWindows:
    """batch windows of `length` consecutive tokens at seeded random offsets; labels = inputs."""

    def __init__(self, tokens, batch, length, seed=1):
        self.tokens, self.batch, self.length = tokens, batch, length
        self.random = random.Random(seed)

    def next(self):
        starts = [self.random.randrange(len(self.tokens) - self.length) for _ in range(self.batch)]
        return torch.stack([self.tokens[s:s + self.length] for s in starts])


def bench_forward(model, ids, steps, flops_per_token, peak):
    seconds = 0.0
    with torch.no_grad():
        for i in range(steps + 1):
            t0 = time.perf_counter()
            model(ids.clone())
            if i > 0:  # the first pass warms up the engine
                seconds += time.perf_counter() - t0
    tps = steps * ids.numel() / seconds
    return {"tokens_per_second": round(tps, 1), "mfu": round(tps * flops_per_token / (peak * 1e9), 4)}


def lr_multiplier(step, warmup, total):
    """SchedulerType.COSINE with linear warmup, the Java TrainingArguments default."""
    if step < warmup:
        return step / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))


def bench_train(model, windows, steps, flops_per_token, peak, lr=1e-5, weight_decay=0.01, max_grad_norm=1.0,
                profile=None):
    total_steps = steps + 1
    warmup = math.ceil(0.1 * total_steps)
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    decay = [p for n, p in trainable if not (n.endswith(".bias") or n.endswith("norm.weight"))]
    no_decay = [p for n, p in trainable if n.endswith(".bias") or n.endswith("norm.weight")]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=lr, betas=(0.9, 0.999), eps=1e-8)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_multiplier(s, warmup, total_steps))
    params = [p for _, p in trainable]
    model.train()
    windows.next()  # the Java bench draws one sample batch before training too
    seconds, measured, tokens_per_step = 0.0, 0, 0
    profiler = None
    for step in range(1, total_steps + 1):
        if step == 2 and profile:  # the measured steps, as tunebook's -Dtunebook.bench.profile
            profiler = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=True)
            profiler.__enter__()
        t0 = time.perf_counter()
        ids = windows.next()
        tokens_per_step = ids.numel()
        logits = model(ids)
        vocab = logits.shape[-1]
        loss = F.cross_entropy(logits[:, :-1, :].reshape(-1, vocab), ids[:, 1:].reshape(-1), ignore_index=-100)
        value = loss.item()
        if not math.isfinite(value):
            raise SystemExit(f"loss is {value} at step {step}")
        loss.backward()
        norm = float(torch.nn.utils.clip_grad_norm_(params, max_grad_norm))
        if not math.isfinite(norm):
            raise SystemExit(f"gradient norm is {norm} at step {step}")
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=False)  # zero-filled, as Trainer.java keeps its gradients
        if step > 1:  # the first step warms up the engine
            seconds += time.perf_counter() - t0
            measured += 1
    if profiler is not None:
        profiler.__exit__(None, None, None)
        profiler.export_chrome_trace(profile)
    model.eval()
    tps = measured * tokens_per_step / seconds
    return {"tokens_per_second": round(tps, 1), "step_seconds": round(seconds / measured, 4),
            "mfu": round(tps * flops_per_token / (peak * 1e9), 4)}


def greedy(model, prompt, new_tokens):
    """Prefill the prompts (rows of equal length), then one token a row at a time with the KV cache;
    logits of the last position only. Returns the new ids, [rows][steps]."""
    steps = min(new_tokens, model.config.max_position_embeddings - prompt.shape[1])
    produced = []
    with torch.no_grad():
        cache = KvCache(model.config.num_hidden_layers)
        ids = prompt
        for _ in range(steps):
            hidden = model.hidden_states(ids, cache)
            logits = model.logits(hidden[:, -1:, :])
            nxt = torch.argmax(logits[:, -1], dim=-1)
            produced.append(nxt.tolist())
            ids = nxt.view(-1, 1)
    return [list(row) for row in zip(*produced)]


def bench_generate(model, new_tokens, rows=1):
    rng = random.Random(3)
    prompt = torch.tensor([[rng.randrange(model.config.vocab_size) for _ in range(16)] for _ in range(rows)],
                          dtype=torch.long)
    greedy(model, prompt, 4)  # warm-up
    t0 = time.perf_counter()
    produced = sum(len(row) for row in greedy(model, prompt, new_tokens))
    seconds = time.perf_counter() - t0
    out = {"tokens_per_second": round(produced / seconds, 1), "prompt_tokens": prompt.shape[1],
           "new_tokens": produced}
    if rows > 1:
        out["rows"] = rows
    return out


# ----------------------------------------------------------------------------------------------


def rss_mb():
    """The resident size now (VmRSS), MiB, as tunebook bench reads it."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024.0, 1)
    return float("nan")


def peak_rss_mb():
    """The resident high-water mark so far (ru_maxrss, VmHWM), MiB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Plain-PyTorch twin of `tunebook bench`.")
    ap.add_argument("model", help="model directory (config.json, optional model.safetensors) or a config.json file")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--gen-tokens", type=int, default=64)
    ap.add_argument("--threads", type=int, default=0,
                    help="intra-op threads; 0 (default) = $OMP_NUM_THREADS if set (libtorch under DJL reads it "
                         "too), else os.cpu_count(), the 'threads' the Java bench reports")
    ap.add_argument("--method", choices=("full", "lora"), default="full",
                    help="the training step: full fine-tuning, or LoRA r 16 (alpha 32, dropout 0.05) on q, k, v, o "
                         "over a frozen base")
    ap.add_argument("--gen-batch", type=int, default=8, help="rows of the batched greedy measure (generate_batched)")
    ap.add_argument("--rank", type=int, default=16, help="the LoRA step's rank r (alpha 2r), as tunebook bench --rank")
    ap.add_argument("--train-only", action="store_true",
                    help="time the training step alone (no forward or generation measure), as tunebook bench --train-only")
    ap.add_argument("--profile", metavar="TRACE",
                    help="record the measured training steps with torch.profiler into TRACE (a Chrome trace, "
                         "as tunebook's -Dtunebook.bench.profile); bench/op_profile.py sums it per op")
    ap.add_argument("--json", action="store_true", help="one-line JSON instead of pretty-printed")
    a = ap.parse_args(argv)
    if a.batch < 1 or a.seq < 2 or a.steps < 1 or a.gen_tokens < 1 or a.rank < 1:
        ap.error("--batch, --steps, --gen-tokens and --rank must be >= 1 and --seq >= 2")

    if os.path.isdir(a.model):
        config_path = os.path.join(a.model, "config.json")
        weights = os.path.join(a.model, "model.safetensors")
    else:
        config_path = a.model
        weights = os.path.join(os.path.dirname(a.model) or ".", "model.safetensors")
    if not os.path.isfile(config_path):
        raise SystemExit(f"missing {config_path}: give a model directory or a config.json")
    c = Config.read(config_path)

    threads = a.threads
    if threads <= 0:
        env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
        threads = int(env) if env.isdigit() and int(env) > 0 else (os.cpu_count() or 1)
    torch.set_num_threads(threads)
    match_blas_threads(threads)
    torch.manual_seed(0)
    model = CausalLM(c)
    weights_note = "random init"
    if os.path.isfile(weights):
        missing = load_weights(model, weights)
        weights_note = weights if not missing else f"{weights} ({len(missing)} tensors missing, random)"
    model.eval()

    peak = matmul_peak_gflops()
    forward_flops = 2.0 * matmul_weights(c) + 4.0 * c.num_hidden_layers * a.seq * c.num_attention_heads * c.head_dim
    out = {
        "model": a.model,
        "parameters": sum(p.numel() for p in model.parameters()),
        "device": "cpu",
        "engine": f"PyTorch {torch.__version__} (python)",
        "threads": torch.get_num_threads(),
        "batch": a.batch,
        "seq": a.seq,
        "matmul_peak_gflops": round(peak, 1),
    }
    blas = loaded_blas()
    gen = torch.Generator().manual_seed(7)
    tokens = torch.randint(0, c.vocab_size, (1 << 16,), generator=gen, dtype=torch.long)
    if len(tokens) <= a.seq:
        raise SystemExit(f"--seq {a.seq} is too long for the {len(tokens)}-token random stream")
    windows = TokenWindows(tokens, a.batch, a.seq)
    peaks = {}  # the peak so far after each phase: which phase set the run's (as tunebook's peak_rss_mb_after)
    if not a.train_only:
        out["forward"] = bench_forward(model, windows.next(), a.steps, forward_flops, peak)
        peaks["forward"] = peak_rss_mb()
        out["generate"] = bench_generate(model, a.gen_tokens)
        peaks["generate"] = peak_rss_mb()
        out["generate_batched"] = bench_generate(model, a.gen_tokens, a.gen_batch)
        peaks["generate_batched"] = peak_rss_mb()
    if a.method == "lora":
        out["rank"] = a.rank
        out["trainable_parameters"] = add_lora(model, r=a.rank, alpha=2 * a.rank)
    out["method"] = a.method
    out["rss_before_train_mb"] = rss_mb()
    out["train"] = bench_train(model, windows, a.steps, 3 * forward_flops, peak, profile=a.profile)
    peaks["train"] = peak_rss_mb()
    out["peak_rss_mb_after"] = peaks
    # ru_maxrss, like VmHWM, can read lower than an earlier reading (as tunebook's BenchCommand says): the highest.
    out["peak_rss_mb"] = max([peak_rss_mb(), *peaks.values()])
    out["blas"] = blas  # not in the Java output: says what the matmul peak above was measured with
    print(f"pytorch_bench: {config_path}, weights: {weights_note}, BLAS: {blas}", file=sys.stderr)
    if blas.startswith("reference"):
        print("pytorch_bench: warning: torch is using the reference BLAS; see bench/README.md for OpenBLAS",
              file=sys.stderr)
    print(json.dumps(out) if a.json else json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
