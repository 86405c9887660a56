"""A tiny safetensors reader and writer (no dependency on the `safetensors` package).

Format: 8-byte little-endian u64 N, then N bytes of JSON
{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}
padded with spaces so that N is a multiple of 8, then the data section. Offsets are relative to the
data section. Tensors are written contiguously, little-endian, in sorted-name order.
"""
import json
import struct

import numpy as np
import torch

_TORCH_TO_ST = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


def tensor_bytes(t):
    """The raw little-endian bytes of a float32 / float16 / bfloat16 tensor."""
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        # numpy has no bfloat16: reinterpret the 16-bit pattern.
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    if t.dtype == torch.float16:
        return t.numpy().astype("<f2").tobytes()
    if t.dtype == torch.float32:
        return t.numpy().astype("<f4").tobytes()
    raise ValueError(f"unsupported dtype {t.dtype}")


def save_file(tensors, path, metadata=None):
    """Writes a dict name -> tensor (float32/float16/bfloat16, kept in its own dtype)."""
    header = {"__metadata__": dict(metadata or {"format": "pt"})}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name]
        if t.dtype not in _TORCH_TO_ST:
            raise ValueError(f"{name}: unsupported dtype {t.dtype}")
        data = tensor_bytes(t)
        header[name] = {"dtype": _TORCH_TO_ST[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for c in chunks:
            f.write(c)
    return offset  # bytes of tensor data


def load_file(path):
    """Reads a safetensors file into dict name -> (float32 torch tensor, stored dtype string).

    F16 and BF16 are upcast exactly to float32."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        buf = data[b:e]
        dt = info["dtype"]
        if dt == "F32":
            a = np.frombuffer(buf, dtype="<f4").astype(np.float32)
        elif dt == "F16":
            a = np.frombuffer(buf, dtype="<f2").astype(np.float32)
        elif dt == "BF16":
            a = (np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise ValueError(f"{path}: {name}: unsupported dtype {dt}")
        shape = info["shape"]
        if a.size != int(np.prod(shape, dtype=np.int64)):
            raise ValueError(f"{path}: {name}: {a.size} values for shape {shape}")
        out[name] = (torch.from_numpy(a.reshape(shape).copy()), dt)
    return out
