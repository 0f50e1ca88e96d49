"""The ConvNet step of build/bin/step_bench in PyTorch: forward, Adma loss, backward
(no optimizer), eager and replayed as a CUDA graph, batch 64 and 512, fp32 and TF32.
    python3 benchmarks/pytorch/step_bench.py [--reps 100]
"""
import argparse
import math
import statistics

import torch
import torch.nn as nn
import torch.nn.functional as F


def convnet(classes=10):
    layers, c = [], 1
    for f, d in ((32, 0.2), (64, 0.3), (128, 0.4)):
        for _ in range(2):
            # Keras BN momentum 0.99 is PyTorch momentum 0.01; eps 1e-3.
            layers += [nn.Conv2d(c, f, 3, padding=1), nn.ELU(), nn.BatchNorm2d(f, eps=1e-3, momentum=0.01)]
            c = f
        layers += [nn.MaxPool2d(2), nn.Dropout(d)]
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(128 * 3 * 3, classes))


def adma(z, y, a=0.258):
    lp = F.log_softmax(z, dim=1).gather(1, y[:, None]).squeeze(1)
    return (math.e - torch.exp(torch.exp(a * lp))).mean()


def median_ms(fn, reps):
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
        out.append(s.elapsed_time(e))
    return statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=100)
    args = ap.parse_args()
    print("| batch | math | mode | ms/step | epoch-equivalent s |\n|---|---|---|---|---|")
    for tf32 in (False, True):
        torch.backends.cudnn.allow_tf32 = tf32
        torch.backends.cuda.matmul.allow_tf32 = tf32
        for batch in (64, 512):
            model = convnet().cuda().train()
            x = torch.randn(batch, 1, 28, 28, device="cuda")
            y = torch.randint(0, 10, (batch,), device="cuda")

            def step():
                model.zero_grad(set_to_none=False)
                adma(model(x), y).backward()

            eager = median_ms(step, args.reps)
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                for _ in range(3):
                    step()
            torch.cuda.current_stream().wait_stream(side)
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                step()
            replay = median_ms(graph.replay, args.reps)
            for mode, ms in (("eager", eager), ("cuda graph", replay)):
                print(f"| {batch} | {'tf32' if tf32 else 'fp32'} | {mode} | {ms:.3f} | {ms * 1e-3 * 60000 / batch:.2f} |",
                      flush=True)


if __name__ == "__main__":
    main()
