"""ResNet-34's training step in adma and in PyTorch, side by side on the same cores:
runs build/bin/resnet_step_bench and benchmarks/pytorch/resnet_step_bench.py alternately
(--rounds times, each a fresh process), takes the median of each figure over the rounds,
and prints one table with the ratio adma / PyTorch (below 1: adma is faster), for every
layer training and for the top 5 (models/freeze.h), and what freezing saves in each.
    python3 benchmarks/resnet_side_by_side.py [--bin build/bin/resnet_step_bench] [--batch 64]
                                              [--size 32] [--threads 2] [--rounds 2] [--reps 5]
                                              [--python /usr/bin/python3]
The load average is printed before and after: on a shared machine the absolute times move
with it; the interleaving keeps the ratios comparable.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    try:
        subprocess.run(cmd + ["--json", path], check=True, stdout=subprocess.DEVNULL)
        with open(path) as f:
            return {r["train_top"]: r for r in json.load(f)["results"]}
    finally:
        os.unlink(path)


def load():
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "build", "bin", "resnet_step_bench"))
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable,
                    help="the Python that has PyTorch")
    args = ap.parse_args()
    common = ["--batch", str(args.batch), "--size", str(args.size), "--train-top", "0,5", "--reps", str(args.reps),
              "--threads", str(args.threads)]
    print(f"load average before: {load()}")
    adma, torch = [], []
    for _ in range(args.rounds):
        adma.append(run([args.bin] + common))
        torch.append(run([args.python, os.path.join(HERE, "pytorch", "resnet_step_bench.py")] + common))
    print(f"load average after: {load()}")
    med = lambda runs, top, key: statistics.median(r[top][key] for r in runs)  # noqa: E731
    print(f"\nResNet-34, batch {args.batch} of 3x{args.size}x{args.size}, CPU, {args.threads} threads, "
          f"median of {args.rounds} rounds x {args.reps} steps (zero_grad + forward + Adma loss + backward + Adam)")
    print("| trains | trainable parameters | adma ms | PyTorch ms | adma / PyTorch |\n|---|---|---|---|---|")
    for top in (0, 5):
        a, t = med(adma, top, "step_ms"), med(torch, top, "step_ms")
        what = "top 5 layers" if top else "all layers"
        print(f"| {what} | {adma[0][top]['trainable']:,} | {a:.0f} | {t:.0f} | {a / t:.2f} |")
    for name, runs in (("adma", adma), ("PyTorch", torch)):
        full, top = med(runs, 0, "step_ms"), med(runs, 5, "step_ms")
        print(f"{name}: training the top 5 layers takes {top / full:.0%} of the full step ({full - top:.0f} ms less)")


if __name__ == "__main__":
    main()
