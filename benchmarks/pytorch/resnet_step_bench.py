"""The step of build/bin/resnet_step_bench in PyTorch: torchvision's ResNet-34 (random
weights, 10 classes), batch 64 of 3x32x32, zero_grad + forward + Adma loss + backward +
Adam step, with every layer training and with only the top K layers (the paper's 5: fc
and layer4.1-2's convs and BatchNorms, requires_grad=False on the rest, the optimizer over
what trains). Wall clock per step after warm-up, median of --reps.
    /usr/bin/python3 benchmarks/pytorch/resnet_step_bench.py [--batch 64] [--size 32]
                                        [--train-top 0,5] [--reps 10] [--threads 2] [--json FILE]
"""
import argparse
import json
import math
import statistics
import time

import torch
import torchvision

# models/freeze.h's top layers of ResNet-34, output first: a layer is a conv with its BatchNorm, or fc.
LAYER_PREFIXES = [("fc.",), ("layer4.2.conv2.", "layer4.2.bn2."), ("layer4.2.conv1.", "layer4.2.bn1."),
                  ("layer4.1.conv2.", "layer4.1.bn2."), ("layer4.1.conv1.", "layer4.1.bn1."),
                  ("layer4.0.downsample.",), ("layer4.0.conv2.", "layer4.0.bn2."), ("layer4.0.conv1.", "layer4.0.bn1.")]


def adma(z, y, a=0.258):
    lp = torch.log_softmax(z, 1).gather(1, y[:, None]).squeeze(1)
    return (math.e - torch.exp(torch.exp(a * lp))).mean()


def median_ms(fn, reps):
    for _ in range(3):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--train-top", default="0,5")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"PyTorch {torch.__version__} resnet_step_bench: resnet34, batch {args.batch} of 3x{args.size}x{args.size}, "
          f"cpu, {torch.get_num_threads()} thread(s)")
    print("| trains | trainable parameters | step ms |\n|---|---|---|")
    results = []
    for top in (int(t) for t in args.train_top.split(",")):
        if top > len(LAYER_PREFIXES):
            raise SystemExit(f"--train-top {top}: this script knows the top {len(LAYER_PREFIXES)} layers")
        torch.manual_seed(0)
        model = torchvision.models.resnet34(weights=None, num_classes=10).train()
        prefixes = tuple(p for layer in LAYER_PREFIXES[:top] for p in layer)
        for name, p in model.named_parameters():
            p.requires_grad_(top == 0 or name.startswith(prefixes))
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.Adam(params, lr=1e-3, eps=1e-7)
        x = torch.randn(args.batch, 3, args.size, args.size)
        y = torch.randint(0, 10, (args.batch,))

        def step():
            opt.zero_grad(set_to_none=False)
            adma(model(x), y).backward()
            opt.step()

        ms = median_ms(step, args.reps)
        n = sum(p.numel() for p in params)
        total = sum(p.numel() for p in model.parameters())
        what = f"top {top} layers" if top else "all layers"
        print(f"| {what} | {n} of {total} | {ms:.1f} |", flush=True)
        results.append({"train_top": top, "step_ms": ms, "trainable": n})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"model": "resnet34", "batch": args.batch, "size": args.size, "results": results}, f)


if __name__ == "__main__":
    main()
