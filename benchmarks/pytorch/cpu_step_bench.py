"""The ConvNet step of build/bin/cpu_step_bench in PyTorch on the CPU (Debian's
python3-torch), timed the same way: wall clock per call after 3 warm-up calls,
median of --reps, at torch.set_num_threads(--threads).
  train step     zero_grad + forward + Adma loss + backward, training mode
  train forward  forward + loss, training mode
  inference      forward + loss under torch.no_grad(), eval mode
    /usr/bin/python3 benchmarks/pytorch/cpu_step_bench.py [--batch 64,256] [--threads 2] [--reps 20] [--json FILE]
"""
import argparse
import json
import statistics
import time

import torch

from step_bench import adma, convnet  # the one PyTorch twin of models/convnet.cpp and of Adma


def median_ms(fn, reps):
    for _ in range(3):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(1e3 * (time.perf_counter() - t0))
    return statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", default="64,256")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--json")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(f"PyTorch {torch.__version__} cpu_step_bench: {torch.get_num_threads()} thread(s)")
    print("| batch | train step ms | train forward ms | inference ms | epoch-equivalent s |\n|---|---|---|---|---|")
    results = []
    for batch in (int(b) for b in args.batch.split(",")):
        model = convnet()
        x = torch.randn(batch, 1, 28, 28)
        y = torch.randint(0, 10, (batch,))

        def step():
            model.zero_grad(set_to_none=False)
            adma(model(x), y).backward()

        def forward():
            adma(model(x), y)

        def inference():
            with torch.no_grad():
                adma(model(x), y)

        model.train()
        t_step = median_ms(step, args.reps)
        t_fwd = median_ms(forward, args.reps)
        model.eval()
        t_inf = median_ms(inference, args.reps)
        print(f"| {batch} | {t_step:.1f} | {t_fwd:.1f} | {t_inf:.1f} | {t_step * 1e-3 * 60000 / batch:.1f} |", flush=True)
        results.append({"batch": batch, "train_step_ms": t_step, "train_forward_ms": t_fwd, "inference_ms": t_inf})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"threads": torch.get_num_threads(), "torch": torch.__version__, "results": results}, f)


if __name__ == "__main__":
    main()
