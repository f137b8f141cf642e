#!/usr/bin/python3
"""Writes torch.safetensors from PyTorch tensors, byte for byte as the reference
safetensors writer lays a file out (metadata first, 8-byte aligned header padded
with spaces, tensors in an order other than by name), without the safetensors
package, which is not installed here.

Run from this directory:  /usr/bin/python3 make_torch.py
The Go test (TestPyTorchFile) rebuilds the same values and compares bits.
"""
import json
import struct

import torch


def main():
    tensors = {
        "encoder.0.weight": ((torch.arange(36, dtype=torch.float32) - 18) * 0.125).reshape(4, 1, 3, 3),
        "encoder.0.bias": torch.tensor([0.5, -0.25, 1e-3, 2.0], dtype=torch.float32),
        "head.weight": torch.tensor([[-0.0, 1e-45, 3.4028235e38], [-1.5, 0.1, float("inf")]], dtype=torch.float32),
        "scalar": torch.tensor(7.25, dtype=torch.float32),
        "empty": torch.zeros(0, 3, dtype=torch.float32),
    }
    # Data order: reverse of name order, to show that offsets, not names, place tensors.
    order = sorted(tensors, reverse=True)
    header = {"__metadata__": {"format": "pt", "source": "torch " + torch.__version__}}
    data = b""
    for name in order:
        t = tensors[name].contiguous()
        raw = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open("torch.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        f.write(data)


if __name__ == "__main__":
    main()
