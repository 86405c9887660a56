"""An independent, plain-PyTorch reference of the forward pass of Hugging Face transformers'
LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM and Qwen3ForCausalLM (eager attention,
no KV cache), written from the semantics of transformers' modeling code, not copied from it.

It reads a Hugging Face model directory (config.json + model.safetensors or a sharded
model.safetensors.index.json), upcasts every weight to float32 exactly as
`from_pretrained(dir, torch_dtype=torch.float32)` does, and computes logits in float64 (default)
or float32.

Semantics followed (transformers 4.4x/4.5x):
- RMSNorm: x * rsqrt(mean(x^2, -1) + eps), then weight * x (statistics in float32 or wider).
- Attention: q/k/v/o projections; Llama/Qwen3 biases follow `attention_bias` (q, k, v and o),
  Qwen2 has biases on q, k, v only, Mistral has none. head_dim = config.head_dim if set (not
  null) else hidden_size // num_attention_heads. Qwen3 applies q_norm / k_norm (RMSNorm over
  head_dim) to each head before RoPE. GQA via repeat_kv: query head h reads kv head h // n_rep.
- RoPE, rotate_half convention (halves, not interleaved): q*cos + rotate_half(q)*sin with
  cos = cat(freqs, freqs). inv_freq = 1 / theta^(arange(0, d, 2) / d) computed in float32 like
  transformers; rope_scaling "linear" and "llama3" (_compute_llama3_parameters).
- softmax((q k^T) * head_dim^-0.5 + mask) in the compute dtype; the mask is causal, plus the
  padding mask (keys where attention_mask == 0), plus Mistral's sliding window (a query at index i
  sees keys j with i - sliding_window < j <= i); Qwen2/Qwen3 only use a window when
  use_sliding_window is true, for layers >= max_window_layers.
- MLP: down(silu(gate(x)) * up(x)); Llama's `mlp_bias` adds biases to the three.
- Final RMSNorm, lm_head (= embed_tokens when tie_word_embeddings).
- position_ids default to arange(seq); with an attention_mask, generate()'s rule
  cumsum(mask) - 1, with 1 at padded positions.
"""
import json
import math
import os

import torch

import safetensors_io

SUPPORTED = {
    "LlamaForCausalLM": "llama",
    "MistralForCausalLM": "mistral",
    "Qwen2ForCausalLM": "qwen2",
    "Qwen3ForCausalLM": "qwen3",
}

# Defaults of the transformers config classes, for fields a config.json may leave out.
_DEFAULTS = {
    "llama": dict(rms_norm_eps=1e-6, rope_theta=10000.0, attention_bias=False, mlp_bias=False,
                  tie_word_embeddings=False, hidden_act="silu"),
    "mistral": dict(rms_norm_eps=1e-6, rope_theta=10000.0, sliding_window=4096,
                    tie_word_embeddings=False, hidden_act="silu"),
    "qwen2": dict(rms_norm_eps=1e-6, rope_theta=10000.0, use_sliding_window=False,
                  sliding_window=4096, max_window_layers=28, tie_word_embeddings=False,
                  hidden_act="silu"),
    "qwen3": dict(rms_norm_eps=1e-6, rope_theta=10000.0, attention_bias=False,
                  use_sliding_window=False, sliding_window=4096, max_window_layers=28,
                  tie_word_embeddings=False, hidden_act="silu"),
}


# ----------------------------------------------------------------------------- loading

def load_weights(model_dir):
    """name -> float32 tensor, plus name -> stored dtype ("F32"/"F16"/"BF16")."""
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        files = sorted(set(weight_map.values()))
    else:
        weight_map = None
        files = ["model.safetensors"]
    weights, dtypes = {}, {}
    for fn in files:
        for name, (t, dt) in safetensors_io.load_file(os.path.join(model_dir, fn)).items():
            if name in weights:
                raise ValueError(f"{name} stored twice")
            if weight_map is not None and weight_map.get(name) != fn:
                raise ValueError(f"{name} found in {fn} but the index says {weight_map.get(name)}")
            weights[name], dtypes[name] = t, dt
    if weight_map is not None and set(weight_map) != set(weights):
        raise ValueError(f"index and shards disagree: {sorted(set(weight_map) ^ set(weights))}")
    return weights, dtypes


def load_model(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        config = json.load(f)
    weights, _ = load_weights(model_dir)
    return Model(config, weights)


# ----------------------------------------------------------------------------- rope

def rope_inv_freq(cfg, head_dim):
    """inv_freq as transformers computes it (float32 tensor ops), with rope_scaling applied."""
    base = float(cfg["rope_theta"])
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).to(torch.float32) / head_dim))
    rs = cfg.get("rope_scaling")
    if rs is None:
        return inv_freq
    kind = rs.get("rope_type", rs.get("type"))
    if kind == "default":
        return inv_freq
    if kind == "linear":
        return inv_freq / float(rs["factor"])
    if kind == "llama3":
        factor = float(rs["factor"])
        low_freq_factor = float(rs["low_freq_factor"])
        high_freq_factor = float(rs["high_freq_factor"])
        old_context_len = rs["original_max_position_embeddings"]
        low_freq_wavelen = old_context_len / low_freq_factor
        high_freq_wavelen = old_context_len / high_freq_factor
        wavelen = 2 * math.pi / inv_freq
        # long wavelengths (> low_freq_wavelen): divided by factor; short ones (< high_freq_wavelen): kept
        scaled = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
        smooth = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        is_medium = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
        return torch.where(is_medium, smoothed, scaled)
    raise ValueError(f"unsupported rope_scaling {rs}")


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


# ----------------------------------------------------------------------------- model

class Model:
    def __init__(self, config, weights, strict_tie=True):
        archs = config.get("architectures") or []
        if len(archs) != 1 or archs[0] not in SUPPORTED:
            raise ValueError(f"unsupported architectures {archs}")
        self.arch = archs[0]
        self.kind = SUPPORTED[self.arch]
        if config.get("model_type") != self.kind:
            raise ValueError(f"model_type {config.get('model_type')} does not match {self.arch}")
        cfg = dict(_DEFAULTS[self.kind])
        cfg.update(config)  # an explicit null stays null (head_dim, sliding_window, rope_scaling)
        self.cfg = cfg
        if cfg["hidden_act"] != "silu":
            raise ValueError(f"hidden_act {cfg['hidden_act']}")
        self.hidden = cfg["hidden_size"]
        self.n_heads = cfg["num_attention_heads"]
        self.n_kv = cfg.get("num_key_value_heads") or self.n_heads
        self.head_dim = cfg.get("head_dim") or self.hidden // self.n_heads
        self.n_layers = cfg["num_hidden_layers"]
        self.eps = float(cfg["rms_norm_eps"])
        self.tied = bool(cfg["tie_word_embeddings"])
        if self.n_heads % self.n_kv:
            raise ValueError("num_attention_heads must be a multiple of num_key_value_heads")

        # Which biases exist.
        if self.kind == "qwen2":
            self.qkv_bias, self.o_bias = True, False
        elif self.kind == "mistral":
            self.qkv_bias, self.o_bias = False, False
        else:
            self.qkv_bias = self.o_bias = bool(cfg.get("attention_bias", False))
        self.mlp_bias = self.kind == "llama" and bool(cfg.get("mlp_bias", False))
        self.qk_norm = self.kind == "qwen3"

        # Sliding window per layer.
        if self.kind == "mistral":
            self.windows = [cfg.get("sliding_window")] * self.n_layers
        elif self.kind in ("qwen2", "qwen3"):
            lt = cfg.get("layer_types")
            if cfg.get("use_sliding_window") and cfg.get("sliding_window"):
                if lt is None:
                    lt = ["sliding_attention" if i >= cfg["max_window_layers"] else "full_attention"
                          for i in range(self.n_layers)]
                self.windows = [cfg["sliding_window"] if t == "sliding_attention" else None for t in lt]
            else:
                self.windows = [None] * self.n_layers
        else:
            self.windows = [None] * self.n_layers

        self.inv_freq = rope_inv_freq(cfg, self.head_dim)
        self.w = self._check_weights(weights, strict_tie)

    def expected_shapes(self):
        H, D, V, I = self.hidden, self.head_dim, self.cfg["vocab_size"], self.cfg["intermediate_size"]
        s = {"model.embed_tokens.weight": [V, H], "model.norm.weight": [H]}
        if not self.tied:
            s["lm_head.weight"] = [V, H]
        for i in range(self.n_layers):
            p = f"model.layers.{i}."
            s[p + "input_layernorm.weight"] = [H]
            s[p + "post_attention_layernorm.weight"] = [H]
            s[p + "self_attn.q_proj.weight"] = [self.n_heads * D, H]
            s[p + "self_attn.k_proj.weight"] = [self.n_kv * D, H]
            s[p + "self_attn.v_proj.weight"] = [self.n_kv * D, H]
            s[p + "self_attn.o_proj.weight"] = [H, self.n_heads * D]
            if self.qkv_bias:
                s[p + "self_attn.q_proj.bias"] = [self.n_heads * D]
                s[p + "self_attn.k_proj.bias"] = [self.n_kv * D]
                s[p + "self_attn.v_proj.bias"] = [self.n_kv * D]
            if self.o_bias:
                s[p + "self_attn.o_proj.bias"] = [H]
            if self.qk_norm:
                s[p + "self_attn.q_norm.weight"] = [D]
                s[p + "self_attn.k_norm.weight"] = [D]
            s[p + "mlp.gate_proj.weight"] = [I, H]
            s[p + "mlp.up_proj.weight"] = [I, H]
            s[p + "mlp.down_proj.weight"] = [H, I]
            if self.mlp_bias:
                s[p + "mlp.gate_proj.bias"] = [I]
                s[p + "mlp.up_proj.bias"] = [I]
                s[p + "mlp.down_proj.bias"] = [H]
        return s

    def _check_weights(self, weights, strict_tie):
        exp = self.expected_shapes()
        names = set(weights)
        if self.tied and "lm_head.weight" in names:
            if strict_tie:
                raise ValueError("tie_word_embeddings is true but lm_head.weight is stored")
            names.discard("lm_head.weight")  # transformers ties it to embed_tokens anyway
        if names != set(exp):
            raise ValueError(f"missing {sorted(set(exp) - names)}, unexpected {sorted(names - set(exp))}")
        for n, shape in exp.items():
            if list(weights[n].shape) != shape:
                raise ValueError(f"{n}: shape {list(weights[n].shape)}, expected {shape}")
        w = {n: weights[n].to(torch.float32) for n in exp}
        if self.tied:
            w["lm_head.weight"] = w["model.embed_tokens.weight"]
        return w

    # ------------------------------------------------------------------------- forward

    @staticmethod
    def rms_norm(x, weight, eps):
        var = x.pow(2).mean(-1, keepdim=True)
        return weight * (x * torch.rsqrt(var + eps))

    @staticmethod
    def linear(x, w, b=None):
        y = x @ w.t()
        return y if b is None else y + b

    def project(self, x, W, module):
        """The linear module at path `module` (weights in `W`, already in the compute dtype): the one
        place a subclass hooks to add adapters (see lora_reference.py)."""
        return self.linear(x, W[module + ".weight"], W.get(module + ".bias"))

    def forward(self, input_ids, attention_mask=None, position_ids=None, dtype=torch.float64):
        """input_ids: LongTensor [B, S]; attention_mask: [B, S] of 0/1 (None = all ones);
        position_ids: [B, S] (None = arange, or generate()'s rule when a mask is given).
        Returns logits [B, S, V] in `dtype`. Rows at padded query positions are meaningless."""
        input_ids = torch.as_tensor(input_ids, dtype=torch.long)
        B, S = input_ids.shape
        if attention_mask is None:
            attention_mask = torch.ones(B, S, dtype=torch.long)
        attention_mask = torch.as_tensor(attention_mask, dtype=torch.long)
        if position_ids is None:
            position_ids = default_position_ids(attention_mask)
        position_ids = torch.as_tensor(position_ids, dtype=torch.long)
        W = {n: t.to(dtype) for n, t in self.w.items()}
        H, D, nh, nkv = self.hidden, self.head_dim, self.n_heads, self.n_kv
        n_rep = nh // nkv

        # RoPE tables [B, S, D]
        freqs = position_ids.to(dtype)[:, :, None] * self.inv_freq.to(dtype)[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]  # [B, 1, S, D]

        # Masks per distinct window: allowed[b, i, j]
        i = torch.arange(S)[:, None]
        j = torch.arange(S)[None, :]
        key_ok = attention_mask.bool()[:, None, :]  # [B, 1, S]
        masks = {}
        for win in set(self.windows):
            allowed = j <= i
            if win is not None:
                allowed = allowed & (i - j < win)
            masks[win] = allowed[None] & key_ok  # [B, S, S]
        neg = torch.finfo(dtype).min

        x = W["model.embed_tokens.weight"][input_ids]  # [B, S, H]
        for layer in range(self.n_layers):
            p = f"model.layers.{layer}."
            h = self.rms_norm(x, W[p + "input_layernorm.weight"], self.eps)
            q = self.project(h, W, p + "self_attn.q_proj")
            k = self.project(h, W, p + "self_attn.k_proj")
            v = self.project(h, W, p + "self_attn.v_proj")
            q = q.view(B, S, nh, D)
            k = k.view(B, S, nkv, D)
            v = v.view(B, S, nkv, D)
            if self.qk_norm:
                q = self.rms_norm(q, W[p + "self_attn.q_norm.weight"], self.eps)
                k = self.rms_norm(k, W[p + "self_attn.k_norm.weight"], self.eps)
            q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)  # [B, heads, S, D]
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            # repeat_kv: kv head g serves query heads g*n_rep .. g*n_rep + n_rep - 1
            k = k[:, :, None].expand(B, nkv, n_rep, S, D).reshape(B, nh, S, D)
            v = v[:, :, None].expand(B, nkv, n_rep, S, D).reshape(B, nh, S, D)
            scores = (q @ k.transpose(2, 3)) * (D ** -0.5)
            scores = scores.masked_fill(~masks[self.windows[layer]][:, None], neg)
            probs = torch.softmax(scores, dim=-1)
            a = (probs @ v).transpose(1, 2).reshape(B, S, nh * D)
            x = x + self.project(a, W, p + "self_attn.o_proj")

            h = self.rms_norm(x, W[p + "post_attention_layernorm.weight"], self.eps)
            g = self.project(h, W, p + "mlp.gate_proj")
            u = self.project(h, W, p + "mlp.up_proj")
            x = x + self.project(torch.nn.functional.silu(g) * u, W, p + "mlp.down_proj")

        x = self.rms_norm(x, W["model.norm.weight"], self.eps)
        return self.project(x, W, "lm_head")

    def greedy(self, prompt_ids, n_new, dtype=torch.float64):
        """Greedy decoding by full recomputation (no cache, no EOS stop). Returns (new ids, smallest
        top-1 minus top-2 logit margin seen)."""
        ids = list(prompt_ids)
        new, margin = [], float("inf")
        for _ in range(n_new):
            last = self.forward(torch.tensor([ids]), dtype=dtype)[0, -1]
            top = torch.topk(last, 2).values
            margin = min(margin, float(top[0] - top[1]))
            nxt = int(torch.argmax(last))
            ids.append(nxt)
            new.append(nxt)
        return new, margin


def default_position_ids(attention_mask):
    """What generate() uses: cumsum(mask) - 1, with padded positions set to 1."""
    m = torch.as_tensor(attention_mask, dtype=torch.long)
    pos = m.cumsum(-1) - 1
    return pos.masked_fill(m == 0, 1)
