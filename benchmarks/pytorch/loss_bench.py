"""The same losses as build/bin/loss_bench, in PyTorch, eager and torch.compile.

Forward + backward (d loss / d logits) on the same shapes, timed with CUDA events
after warm-up, median of --reps runs. Usage:
    python3 benchmarks/pytorch/loss_bench.py [--reps 100] [--json out.json] [--no-compile | --compile-all]
By default only adma and cce are compiled (the pair DESIGN.md compares; compiling all
seven losses on five shapes takes minutes).
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F

SHAPES = [(64, 10), (4096, 10), (65536, 10), (8192, 1000), (4096, 32000)]
A, Q, EPS, GAMMA = 0.258, 0.7, 1.0, 2.0


def adma(z, y):  # e - exp(p_y^a), p_y^a = exp(a * log p_y)
    lp = F.log_softmax(z, dim=1).gather(1, y[:, None]).squeeze(1)
    return (math.e - torch.exp(torch.exp(A * lp))).mean()


def cce(z, y):
    return F.cross_entropy(z, y)


def mse(z, y):
    p = torch.softmax(z, dim=1)
    return ((p - F.one_hot(y, z.shape[1]).to(p.dtype)) ** 2).mean()


def squared_hinge(z, y):
    p = torch.softmax(z, dim=1)
    t = 2 * F.one_hot(y, z.shape[1]).to(p.dtype) - 1
    return (torch.clamp(1 - t * p, min=0) ** 2).mean()


def gce(z, y):
    lp = F.log_softmax(z, dim=1).gather(1, y[:, None]).squeeze(1)
    return ((1 - torch.exp(Q * lp)) / Q).mean()


def poly1(z, y):
    lp = F.log_softmax(z, dim=1).gather(1, y[:, None]).squeeze(1)
    return (-lp + EPS * (1 - torch.exp(lp))).mean()


def focal(z, y):
    lp = F.log_softmax(z, dim=1).gather(1, y[:, None]).squeeze(1)
    return (-((-torch.expm1(lp)) ** GAMMA) * lp).mean()


LOSSES = {"adma": adma, "cce": cce, "mse": mse, "squared-hinge": squared_hinge, "gce": gce, "poly1": poly1,
          "focal": focal}
COMPILED = ("adma", "cce")  # compile time is minutes for all; these two are the paper's pair


def fwd_bwd(fn):
    def step(z, y):
        loss = fn(z, y)
        (g,) = torch.autograd.grad(loss, z)
        return loss, g
    return step


def median_us(step, z, y, reps):
    for _ in range(10):
        step(z, y)
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    times = []
    for _ in range(reps):
        start.record()
        step(z, y)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1000.0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--json")
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--compile-all", action="store_true", help="compile every loss, not only adma and cce")
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    dev = torch.device("cuda")
    results = []
    print(f"device: {torch.cuda.get_device_name()}; torch {torch.__version__}\n")
    print("| shape | loss | mode | us | GB/s |\n|---|---|---|---|---|")
    for n, c in SHAPES:
        g = torch.Generator(device=dev).manual_seed(7)
        z = (torch.rand(n, c, device=dev, generator=g) * 8 - 4).requires_grad_(True)
        y = torch.randint(0, c, (n,), device=dev, generator=g)
        for name, fn in LOSSES.items():
            modes = [("eager", fwd_bwd(fn))]
            if not args.no_compile and (args.compile_all or name in COMPILED):
                modes.append(("compile", torch.compile(fwd_bwd(fn), dynamic=False)))
            for mode, step in modes:
                t0 = time.time()
                us = median_us(step, z, y, args.reps)
                gbs = 2.0 * n * c * 4 / (us * 1e3)
                print(f"| {n}x{c} | {name} | {mode} | {us:.2f} | {gbs:.0f} |", flush=True)
                results.append({"shape": f"{n}x{c}", "loss": name, "mode": mode, "us": us, "gbs": gbs,
                                "wall_s": time.time() - t0})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": torch.cuda.get_device_name(), "torch": torch.__version__, "results": results}, f)


if __name__ == "__main__":
    main()
