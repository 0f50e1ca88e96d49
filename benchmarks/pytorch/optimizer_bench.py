"""The twin of build/bin/optimizer_bench: one optimizer step over the ConvNet's
298,858 parameters (28 tensors) and over 25M parameters (100 tensors), PyTorch's
fastest form of each (fused=True: one multi-tensor kernel), CUDA events, median.
    python3 benchmarks/pytorch/optimizer_bench.py [--reps 200]
"""
import argparse
import statistics

import torch


def median_us(fn, reps):
    for _ in range(10):
        fn()
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    out = []
    for _ in range(reps):
        s.record()
        fn()
        e.record()
        e.synchronize()
        out.append(s.elapsed_time(e) * 1000.0)
    return statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=200)
    args = ap.parse_args()
    print("| params | tensors | rule | us/update | GB/s |\n|---|---|---|---|---|")
    for n, pieces in ((298858, 28), (25000000, 100)):
        for rule in ("sgd+momentum", "adam"):
            sizes = [n * (k + 1) // pieces - n * k // pieces for k in range(pieces)]
            params = [torch.full((s,), 0.01, device="cuda", requires_grad=True) for s in sizes]
            for p in params:
                p.grad = torch.full_like(p, 0.001)
            if rule == "adam":
                opt = torch.optim.Adam(params, lr=1e-3, eps=1e-7, fused=True)
            else:
                opt = torch.optim.SGD(params, lr=1e-3, momentum=0.9, fused=True)
            us = median_us(opt.step, args.reps)
            moved = n * (28 if rule == "adam" else 16)
            print(f"| {n} | {pieces} | {rule} | {us:.2f} | {moved / us * 1e-3:.0f} |")


if __name__ == "__main__":
    main()
