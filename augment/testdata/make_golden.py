#!/usr/bin/python3
"""Golden values for augment's deterministic image functions, from PyTorch.

Run: /usr/bin/python3 make_golden.py > golden.json  (torch 1.13, no torchvision
needed). Resizing uses F.interpolate(bilinear, align_corners=False), blurring
F.conv2d after reflect padding; the colour functions follow
torchvision.transforms.functional_tensor (v0.14) written out in torch ops.
"""
import json

import torch
import torch.nn.functional as F

g = torch.Generator().manual_seed(7)
img = torch.rand(3, 5, 6, generator=g)


def blend(a, b, r):
    return (r * a + (1.0 - r) * b).clamp(0, 1)


def gray(x):
    r, gg, b = x.unbind(0)
    return (0.2989 * r + 0.587 * gg + 0.114 * b).unsqueeze(0)


def adjust_contrast(x, f):
    mean = gray(x).mean()  # torchvision: mean of the grayscale image
    return blend(x, mean, f)


def adjust_saturation(x, f):
    return blend(x, gray(x), f)


def rgb2hsv(x):  # torchvision _rgb2hsv
    r, gg, b = x.unbind(0)
    maxc = torch.max(x, dim=0).values
    minc = torch.min(x, dim=0).values
    eqc = maxc == minc
    cr = maxc - minc
    ones = torch.ones_like(maxc)
    s = cr / torch.where(eqc, ones, maxc)
    cr_divisor = torch.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - gg) / cr_divisor
    bc = (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == gg) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != gg) & (maxc != r)) * (4.0 + gc - rc)
    h = hr + hg + hb
    h = torch.fmod((h / 6.0 + 1.0), 1.0)
    return torch.stack((h, s, maxc))


def hsv2rgb(x):  # torchvision _hsv2rgb
    h, s, v = x.unbind(0)
    i = torch.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=torch.int32)
    p = torch.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = torch.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = torch.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    i = i % 6
    mask = i.unsqueeze(0) == torch.arange(6, dtype=torch.int32).view(-1, 1, 1)
    a1 = torch.stack((v, q, p, p, t, v))
    a2 = torch.stack((t, v, v, q, p, p))
    a3 = torch.stack((p, p, t, v, v, q))
    a4 = torch.stack((a1, a2, a3))
    return torch.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=x.dtype), a4)


def adjust_hue(x, h):
    hsv = rgb2hsv(x)
    hsv[0] = (hsv[0] + h) % 1.0
    return hsv2rgb(hsv)


def blur(x, size, sigma):
    r = size // 2
    k1 = torch.exp(-torch.arange(-r, r + 1, dtype=torch.float64) ** 2 / (2 * sigma * sigma))
    k1 = (k1 / k1.sum()).float()
    k2 = torch.outer(k1, k1).expand(3, 1, size, size)
    xp = F.pad(x.unsqueeze(0), (r, r, r, r), mode="reflect")
    return F.conv2d(xp, k2, groups=3)[0]


def resize_crop(x, rect, oh, ow):
    y, x0, h, w = rect
    c = x[:, y:y + h, x0:x0 + w].unsqueeze(0)
    return F.interpolate(c, size=(oh, ow), mode="bilinear", align_corners=False)[0]


def flat(t):
    return [round(float(v), 7) for v in t.flatten()]


out = {
    "shape": list(img.shape),
    "image": flat(img),
    "resize": [
        {"rect": rc, "out": [oh, ow], "want": flat(resize_crop(img, rc, oh, ow))}
        for rc, oh, ow in [([0, 0, 5, 6], 5, 6), ([0, 0, 5, 6], 9, 4), ([1, 2, 3, 3], 7, 7),
                           ([0, 1, 4, 5], 2, 3), ([2, 0, 2, 6], 5, 5)]
    ],
    "blur": [
        {"size": k, "sigma": s, "want": flat(blur(img, k, s))}
        for k, s in [(3, 0.8), (5, 1.5), (3, 0.1)]
    ],
    "contrast": [{"f": f, "want": flat(adjust_contrast(img, f))} for f in (0.0, 0.5, 1.7)],
    "saturation": [{"f": f, "want": flat(adjust_saturation(img, f))} for f in (0.0, 0.4, 1.8)],
    "hue": [{"h": h, "want": flat(adjust_hue(img, h))} for h in (0.0, 0.1, -0.3, 0.5)],
    "gray": flat(gray(img).clamp(0, 1).expand(3, -1, -1)),
}
print(json.dumps(out))
