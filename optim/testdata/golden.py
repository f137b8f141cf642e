#!/usr/bin/python3
"""Golden parameter trajectories of torch.optim (PyTorch 1.13, CPU, float32).

Run from this directory:  /usr/bin/python3 golden.py > golden.json
Two parameters, w (2, 3) and b (3,), start from fixed values and receive a fixed
gradient sequence; each case records the parameters after every step. The
initial values and gradients are stored too, so the Go test needs no torch.
"""
import json

import torch

STEPS = 5


def floats(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def main():
    g = torch.Generator().manual_seed(1234)
    init = {"w": torch.randn(2, 3, generator=g), "b": torch.randn(3, generator=g)}
    grads = []
    for s in range(STEPS):
        # Vary magnitudes across steps and elements, including a tiny and a zero entry.
        gw = torch.randn(2, 3, generator=g) * (0.5 + s)
        gb = torch.randn(3, generator=g) * 0.1
        gw[0, 0] = 1e-4 * (s + 1)
        gb[2] = 0.0
        grads.append({"w": gw, "b": gb})

    lr_const = [0.1] * STEPS
    lr_sched = [0.1, 0.05, 0.2, 0.01, 0.1]
    cases = [
        dict(name="sgd_wd", optimizer="SGD", lr=lr_const, momentum=0.0, weight_decay=0.01),
        dict(name="sgd_momentum_wd", optimizer="SGD", lr=lr_sched, momentum=0.9, weight_decay=0.01),
        dict(name="sgd_momentum_dampening", optimizer="SGD", lr=lr_const, momentum=0.9, dampening=0.25),
        dict(name="sgd_nesterov_wd", optimizer="SGD", lr=lr_const, momentum=0.9, nesterov=True, weight_decay=5e-4),
        dict(name="sgd_nesterov_exclude_bias", optimizer="SGD", lr=lr_sched, momentum=0.9, nesterov=True,
             weight_decay=0.05, exclude_bias=True),
        dict(name="adam", optimizer="Adam", lr=[0.01] * STEPS),
        dict(name="adam_wd", optimizer="Adam", lr=[0.01, 0.02, 0.005, 0.01, 0.03], weight_decay=0.1,
             betas=[0.8, 0.99], eps=1e-6),
        dict(name="adam_wd_exclude_bias", optimizer="Adam", lr=[0.01] * STEPS, weight_decay=0.1, exclude_bias=True),
        dict(name="adamw", optimizer="AdamW", lr=[0.01] * STEPS, weight_decay=0.01),
        dict(name="adamw_strong_wd", optimizer="AdamW", lr=[0.01, 0.02, 0.005, 0.01, 0.03], weight_decay=0.5,
             betas=[0.5, 0.9], eps=1e-3),
        dict(name="adamw_exclude_bias", optimizer="AdamW", lr=[0.01] * STEPS, weight_decay=0.3, exclude_bias=True),
    ]
    for c in cases:
        c.setdefault("momentum", 0.0)
        c.setdefault("dampening", 0.0)
        c.setdefault("nesterov", False)
        c.setdefault("weight_decay", 0.0)
        c.setdefault("exclude_bias", False)
        c.setdefault("betas", [0.9, 0.999])
        c.setdefault("eps", 1e-8)
        w = torch.nn.Parameter(init["w"].clone())
        b = torch.nn.Parameter(init["b"].clone())
        wd = c["weight_decay"]
        groups = [{"params": [w]}, {"params": [b], "weight_decay": 0.0 if c["exclude_bias"] else wd}]
        if c["optimizer"] == "SGD":
            opt = torch.optim.SGD(groups, lr=c["lr"][0], momentum=c["momentum"], dampening=c["dampening"],
                                  nesterov=c["nesterov"], weight_decay=wd, foreach=False)
        elif c["optimizer"] == "Adam":
            opt = torch.optim.Adam(groups, lr=c["lr"][0], betas=tuple(c["betas"]), eps=c["eps"],
                                   weight_decay=wd, foreach=False)
        else:
            opt = torch.optim.AdamW(groups, lr=c["lr"][0], betas=tuple(c["betas"]), eps=c["eps"],
                                    weight_decay=wd, foreach=False)
        traj = []
        for s in range(STEPS):
            for grp in opt.param_groups:
                grp["lr"] = c["lr"][s]
            opt.zero_grad()
            w.grad = grads[s]["w"].clone()
            b.grad = grads[s]["b"].clone()
            opt.step()
            traj.append({"w": floats(w), "b": floats(b)})
        c["trajectory"] = traj

    out = {
        "torch_version": torch.__version__,
        "shapes": {"w": [2, 3], "b": [3]},
        "init": {k: floats(v) for k, v in init.items()},
        "grads": [{k: floats(v) for k, v in gs.items()} for gs in grads],
        "cases": cases,
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
