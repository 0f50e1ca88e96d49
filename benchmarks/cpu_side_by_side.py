"""adma against PyTorch on the CPU, side by side in one run, on the same cores with
the same thread count: runs build/bin/cpu_step_bench and
benchmarks/pytorch/cpu_step_bench.py alternately (--rounds times per thread count,
each a fresh process), takes the median of each figure over the rounds, and prints
one table with the ratio adma / PyTorch (below 1: adma is faster).
    python3 benchmarks/cpu_side_by_side.py [--bin build/bin/cpu_step_bench] [--threads 1,2]
                                           [--batch 64,256] [--rounds 3] [--reps 10] [--reference]
                                           [--python /usr/bin/python3] [--isa native|avx2]
The machine's load average is printed before and after: on a shared machine the
absolute times move with it; the interleaving keeps the ratios comparable.
--isa avx2 caps both programs' vector code at AVX2 + FMA on a CPU with AVX-512, to
measure what a machine without it does: oneDNN (ONEDNN_MAX_CPU_ISA=AVX2, which both
use for convolutions), PyTorch's own kernels (ATEN_CPU_CAPABILITY=avx2) and adma's
(ADMA_CPU_ISA=avx2).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIGURES = (("train_step_ms", "training step"), ("train_forward_ms", "training forward"), ("inference_ms", "inference"))


def run(cmd, env):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    try:
        subprocess.run(cmd + ["--json", path], check=True, env=env, stdout=subprocess.DEVNULL)
        with open(path) as f:
            return {r["batch"]: r for r in json.load(f)["results"]}
    finally:
        os.unlink(path)


def load():
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "build", "bin", "cpu_step_bench"))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--batch", default="64,256")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=10)
    # Debian's python3-torch lives in the system interpreter, which a pyenv/venv python may hide.
    ap.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable,
                    help="the Python that has PyTorch")
    ap.add_argument("--reference", action="store_true", help="adma's reference kernels instead of the fast path")
    ap.add_argument("--isa", choices=("native", "avx2"), default="native",
                    help="avx2: cap oneDNN, PyTorch and adma at AVX2 + FMA (what a CPU without AVX-512 runs)")
    args = ap.parse_args()
    isa_env = {}
    if args.isa == "avx2":
        isa_env = {"ONEDNN_MAX_CPU_ISA": "AVX2", "DNNL_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2",
                   "ADMA_CPU_ISA": "avx2"}
    threads = [int(t) for t in args.threads.split(",")]
    batches = [int(b) for b in args.batch.split(",")]
    print(f"load average before: {load()}  ({os.cpu_count()} CPUs)", flush=True)
    # samples[(who, threads, batch, figure)] = [ms per round]
    samples = {}
    for t in threads:
        env = dict(os.environ, OMP_NUM_THREADS=str(t), **isa_env)
        ours = [args.bin, "--threads", str(t), "--batch", args.batch, "--reps", str(args.reps)]
        if args.reference:
            ours.append("--reference")
        theirs = [args.python, os.path.join(HERE, "pytorch", "cpu_step_bench.py"), "--threads", str(t),
                  "--batch", args.batch, "--reps", str(args.reps)]
        for r in range(args.rounds):
            # Alternate which goes first, so a change in load hits both alike.
            order = (("adma", ours), ("torch", theirs)) if r % 2 == 0 else (("torch", theirs), ("adma", ours))
            for who, cmd in order:
                res = run(cmd, env)
                for b in batches:
                    for key, _ in FIGURES:
                        samples.setdefault((who, t, b, key), []).append(res[b][key])
            print(f"  {t} thread(s), round {r + 1}/{args.rounds} done (load {load()})", file=sys.stderr, flush=True)
    print(f"load average after: {load()}\n")
    isa = "vector code capped at AVX2 + FMA" if args.isa == "avx2" else "this CPU's own vector units"
    print(f"adma ({'reference' if args.reference else 'fast'} kernels) vs PyTorch, CPU ({isa}), median of "
          f"{args.rounds} interleaved rounds x {args.reps} reps, ms:\n")
    print("| threads | batch | figure | adma ms | PyTorch ms | adma / PyTorch |")
    print("|---|---|---|---|---|---|")
    med = {k: statistics.median(v) for k, v in samples.items()}
    for t in threads:
        for b in batches:
            for key, name in FIGURES:
                a, p = med[("adma", t, b, key)], med[("torch", t, b, key)]
                print(f"| {t} | {b} | {name} | {a:.1f} | {p:.1f} | {a / p:.2f} |")
    if 1 in threads and 2 in threads:
        print("\n| batch | figure | adma 1 thread / 2 threads | PyTorch 1 thread / 2 threads |\n|---|---|---|---|")
        for b in batches:
            for key, name in FIGURES:
                a = med[("adma", 1, b, key)] / med[("adma", 2, b, key)]
                p = med[("torch", 1, b, key)] / med[("torch", 2, b, key)]
                print(f"| {b} | {name} | {a:.2f}x | {p:.2f}x |")

if __name__ == "__main__":
    main()
