#!/usr/bin/python3
"""Golden values for package loss, computed by PyTorch (run: /usr/bin/python3 golden.py > golden.json).

The formulas are those of ../../../shared/bench/pytorch_reference.py (NT-Xent, batch-hard triplet,
Hadsell contrastive) and Khosla et al.'s SupCon (L_out), written directly in torch."""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(0)


def nt_xent(z, temperature):
    n2 = z.shape[0]
    n = n2 // 2
    z = F.normalize(z, dim=1)
    sim = z @ z.t() / temperature
    sim = sim.masked_fill(torch.eye(n2, dtype=torch.bool), float("-inf"))
    target = torch.cat([torch.arange(n, n2), torch.arange(0, n)])
    return F.cross_entropy(sim, target)


def supcon(z, labels, temperature):
    z = F.normalize(z, dim=1)
    n = z.shape[0]
    sim = z @ z.t() / temperature
    eye = torch.eye(n, dtype=torch.bool)
    logits = sim.masked_fill(eye, float("-inf"))
    logprob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    pos = (labels[:, None] == labels[None, :]) & ~eye
    per = -(logprob.masked_fill(~pos, 0).sum(1)) / pos.sum(1)
    return per[pos.sum(1) > 0].mean()


def batch_hard_triplet(emb, labels, margin):
    d2 = (2.0 - 2.0 * emb @ emb.t()).clamp_min(1e-12)
    d = d2.sqrt()
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool)
    pos = same & ~eye
    hardest_pos = d.masked_fill(~pos, float("-inf")).max(dim=1).values
    hardest_neg = d.masked_fill(same, float("inf")).min(dim=1).values
    return F.relu(hardest_pos - hardest_neg + margin).mean()


def contrastive(e1, e2, y, margin):
    d = (e1 - e2).pow(2).sum(1).clamp_min(1e-12).sqrt()
    loss = y * d.pow(2) + (1 - y) * F.relu(margin - d).pow(2)
    return 0.5 * loss.mean()


def neg_cosine(p, z):
    return -F.cosine_similarity(p, z, dim=1).mean()


def barlow(z1, z2, lam):
    n = z1.shape[0]
    bn = lambda z: (z - z.mean(0)) / torch.sqrt(z.var(0, unbiased=False) + 1e-5)
    c = bn(z1).t() @ bn(z2) / n
    on = (torch.diagonal(c) - 1).pow(2).sum()
    off = c.pow(2).sum() - torch.diagonal(c).pow(2).sum()
    return on + lam * off


def vicreg(z1, z2, ws, wv, wc):
    n, d = z1.shape
    inv = F.mse_loss(z1, z2)
    def var(z):
        std = torch.sqrt(z.var(0) + 1e-4)
        return F.relu(1 - std).mean()
    def cov(z):
        zc = z - z.mean(0)
        c = zc.t() @ zc / (n - 1)
        off = c.pow(2).sum() - torch.diagonal(c).pow(2).sum()
        return off / d
    return ws * inv + wv * (var(z1) + var(z2)) + wc * (cov(z1) + cov(z2))


def case(fn, *inputs):
    leaves = [x.clone().requires_grad_(True) for x in inputs]
    loss = fn(*leaves)
    loss.backward()
    return {"inputs": [x.detach().flatten().tolist() for x in inputs],
            "shapes": [list(x.shape) for x in inputs],
            "loss": loss.item(),
            "grads": [x.grad.flatten().tolist() for x in leaves]}


out = {}
z = torch.randn(12, 5)
out["ntxent_t0.5"] = case(lambda z: nt_xent(z, 0.5), z)
out["ntxent_t0.1"] = case(lambda z: nt_xent(z, 0.1), z)
labels = torch.tensor([0, 1, 2, 0, 1, 2, 0, 3, 1, 2])
zs = torch.randn(10, 6)
out["supcon_t0.2"] = case(lambda z: supcon(z, labels, 0.2), zs)
out["supcon_t0.2"]["labels"] = labels.tolist()
e = F.normalize(torch.randn(12, 4), dim=1)
tl = torch.tensor([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3])
out["batchhard_m0.2"] = case(lambda x: batch_hard_triplet(F.normalize(x, dim=1), tl, 0.2), torch.randn(12, 4))
out["batchhard_m0.2"]["labels"] = tl.tolist()
y = torch.tensor([1., 0., 1., 0., 0., 1., 0., 1.])
out["contrastive_m1"] = case(lambda a, b: contrastive(a, b, y, 1.0), 0.5 * torch.randn(8, 3), 0.5 * torch.randn(8, 3))
out["contrastive_m1"]["similar"] = y.tolist()
out["negcosine"] = case(neg_cosine, torch.randn(7, 5), torch.randn(7, 5))
out["barlow_l0.005"] = case(lambda a, b: barlow(a, b, 0.005), torch.randn(9, 4), torch.randn(9, 4))
out["vicreg_25_25_1"] = case(lambda a, b: vicreg(a, b, 25, 25, 1), 0.3 * torch.randn(9, 4), 0.3 * torch.randn(9, 4))
print(json.dumps(out))
