#!/usr/bin/env python3
"""The one-row products of a batch-1 decoding step alone, through PyTorch's F.linear: the twin of
RowProducts.java (same weights' shapes: q, k and v fused, o, gate and up fused, down, every layer, and
the lm_head; random float32). Prints ms per token and GB/s of weights read, at 2 threads and at 1.

    /usr/bin/python3 bench/row_products.py models/tiny-base/config.json
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def main(argv):
    c = json.load(open(argv[0]))
    reps = int(argv[1]) if len(argv) > 1 else 30
    hidden, inter, layers, vocab = c["hidden_size"], c["intermediate_size"], c["num_hidden_layers"], c["vocab_size"]
    heads = c["num_attention_heads"]
    kv = c.get("num_key_value_heads", heads)
    head_dim = c.get("head_dim", hidden // heads)
    weights = []
    for _ in range(layers):
        weights += [torch.randn((heads + 2 * kv) * head_dim, hidden), torch.randn(hidden, heads * head_dim),
                    torch.randn(2 * inter, hidden), torch.randn(hidden, inter)]
    weights.append(torch.randn(vocab, hidden))
    rows = [torch.randn(1, 1, w.shape[1]) for w in weights]
    nbytes = sum(w.numel() * 4 for w in weights)
    with torch.no_grad():
        for _ in range(3):
            for threads in (2, 1):
                torch.set_num_threads(threads)
                start = time.perf_counter()
                for _ in range(reps):
                    for x, w in zip(rows, weights):
                        F.linear(x, w)
                ms = (time.perf_counter() - start) * 1e3 / reps
                print(json.dumps({"engine": f"PyTorch {torch.__version__}", "threads": threads,
                                  "weights_mb": round(nbytes / 1e6, 1), "ms_per_token": round(ms, 3),
                                  "gb_per_s": round(nbytes / ms / 1e6, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
