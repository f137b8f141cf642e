#!/usr/bin/python3
"""PyTorch references for package nn's tests (PyTorch 1.13, CPU, float32).

Run from this directory:  /usr/bin/python3 torch_models.py
Writes:
  torch_models.json   state_dict names and shapes, in order, and parameter counts
                      of the W1 encoder and of the small model below; the small
                      model's input and its outputs in evaluation and training mode
  small.safetensors   the small model's state_dict (after three training-mode
                      forward passes, so that the BatchNorm running statistics are
                      not the initial ones), written by hand in the safetensors
                      layout since the safetensors package is not installed
"""
import json
import struct

import torch
import torch.nn as nn


def w1_encoder():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1600, 128))


def small():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2),          # 12 -> 10 -> 5
        nn.Conv2d(4, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.LeakyReLU(0.1),  # 5 -> 5
        nn.AvgPool2d(2, 1),                                       # 5 -> 4
        nn.Flatten(), nn.Linear(8 * 4 * 4, 16), nn.LayerNorm(16), nn.GELU(),
        nn.Linear(16, 8), nn.Tanh(), nn.Linear(8, 4), nn.BatchNorm1d(4), nn.Sigmoid())


def describe(model):
    return {
        "names": [k for k in model.state_dict()],
        "shapes": [list(v.shape) for v in model.state_dict().values()],
        "param_count": sum(p.numel() for p in model.parameters()),
    }


def save_safetensors(path, sd):
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, t in sd.items():
        raw = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


def main():
    torch.manual_seed(7)
    m = small()
    # Non-trivial BatchNorm statistics and affine parameters.
    m.train()
    for _ in range(3):
        m(torch.randn(5, 1, 12, 12) * 2 + 0.5)
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, (nn.BatchNorm2d, nn.BatchNorm1d, nn.LayerNorm)):
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.5, 0.5)
    save_safetensors("small.safetensors", m.state_dict())
    x = torch.randn(3, 1, 12, 12)
    m.eval()
    with torch.no_grad():
        y_eval = m(x)
    m.train()
    with torch.no_grad():
        y_train = m(x)
    out = {
        "torch_version": torch.__version__,
        "w1_encoder": describe(w1_encoder()),
        "small": describe(m),
        "input_shape": list(x.shape),
        "input": [float(v) for v in x.reshape(-1).tolist()],
        "output_eval": [float(v) for v in y_eval.reshape(-1).tolist()],
        "output_train": [float(v) for v in y_train.reshape(-1).tolist()],
        "running_after_train": {k: [float(v) for v in t.reshape(-1).tolist()]
                                for k, t in m.state_dict().items() if "running" in k},
    }
    with open("torch_models.json", "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
