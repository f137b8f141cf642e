#!/usr/bin/python3
"""Golden values of the W1 network (see /work/shared/bench/README.md) from PyTorch.

Writes w1_golden.json beside this file: the forward output and every parameter
gradient of
    Conv(1->32,3x3)+ReLU+MaxPool2 -> Conv(32->64,3x3)+ReLU+MaxPool2 -> Flatten(1600)
    -> Linear(1600,128)+ReLU -> Linear(128,128)+ReLU -> Linear(128,64)
for a batch of 4 images 1x28x28, with loss = sum(output * lw).

The network is evaluated in float64 from float32 parameters, so the values are
the float32 model's exact answer up to float64 rounding. To keep the file small
(< 2 MB) the parameters and input are not random draws but a formula that Go
reproduces bit for bit (integer hashing, one float64 division, one rounding to
float32):
    h = fmix32(i + salt*1000003) % 65521     (MurmurHash3's 32-bit finaliser)
    v = float32((2*h/65520 - 1) * scale)      for element i of a flattened tensor
The input uses the same h as (h/65520) (values in [0, 1]). The JSON stores each
parameter's salt, scale and sum (to check the formula), the input, lw, output
and loss in full, the small gradients in full and fc1.weight's gradient sampled
every 97th element, plus the sum and sum of squares of every gradient.

Run: /usr/bin/python3 ag/testdata/w1_golden.py   (torch 1.13, CPU)
"""
import json
import math
import os

import torch
import torch.nn as nn

N = 4
SAMPLE_STRIDE = 97
FULL_LIMIT = 20000


def fmix32(x):
    x &= 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & 0xFFFFFFFF
    x ^= x >> 13
    x = (x * 0xC2B2AE35) & 0xFFFFFFFF
    x ^= x >> 16
    return x


def hashed(n, salt):
    return torch.tensor([fmix32(i + salt * 1000003) % 65521 for i in range(n)], dtype=torch.float64)


def param_values(shape, salt, scale):
    n = math.prod(shape)
    v = (2 * hashed(n, salt) / 65520 - 1) * scale
    return v.to(torch.float32).reshape(shape)


def main():
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(1600, 128), nn.ReLU(),
        nn.Linear(128, 128), nn.ReLU(),
        nn.Linear(128, 64),
    )
    names = {0: "conv1", 3: "conv2", 7: "fc1", 9: "fc2", 11: "fc3"}
    params = []
    salt = 1
    with torch.no_grad():
        for idx, layer in enumerate(model):
            if idx not in names:
                continue
            fan_in = math.prod(layer.weight.shape[1:])
            scale = 1 / math.sqrt(fan_in)
            for kind in ("weight", "bias"):
                p = getattr(layer, kind)
                p.copy_(param_values(tuple(p.shape), salt, scale))
                params.append((f"{names[idx]}.{kind}", p, salt, scale))
                salt += 1
    model = model.double()

    x32 = (hashed(N * 28 * 28, 100) / 65520).to(torch.float32).reshape(N, 1, 28, 28)
    lw32 = (2 * hashed(N * 64, 101) / 65520 - 1).to(torch.float32).reshape(N, 64)
    out = model(x32.double())
    loss = (out * lw32.double()).sum()
    loss.backward()

    def flat(t):
        return [float(v) for v in t.detach().reshape(-1).tolist()]

    rec = []
    for (name, _, salt, scale), p in zip(params, model.parameters()):
        g = p.grad.detach().reshape(-1)
        e = {"name": name, "shape": list(p.shape), "salt": salt, "scale": scale,
             "sum": float(p.detach().sum()),
             "grad_sum": float(g.sum()), "grad_sumsq": float((g * g).sum())}
        if g.numel() <= FULL_LIMIT:
            e["grad"] = flat(g)
        else:
            e["grad_stride"] = SAMPLE_STRIDE
            e["grad"] = flat(g[::SAMPLE_STRIDE])
        rec.append(e)
    doc = {
        "about": "W1 network golden values from PyTorch " + torch.__version__ + " (float64 evaluation of float32 parameters); made by w1_golden.py",
        "batch": N,
        "input": flat(x32),
        "lw": flat(lw32),
        "output": flat(out),
        "loss": float(loss),
        "params": rec,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "w1_golden.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"wrote {path} ({os.path.getsize(path)} bytes), loss {float(loss):.6g}")


if __name__ == "__main__":
    main()
