"""Joins loss_bench.json (adma) and the PyTorch JSON into one table:
    python3 benchmarks/pytorch/side_by_side.py adma.json torch.json
Ratios are adma time / PyTorch time (below 1: adma is faster), as in
benchmarks/cpu_side_by_side.py."""
import json
import sys


def main():
    ours = json.load(open(sys.argv[1]))
    torch = json.load(open(sys.argv[2]))
    copy = ours["copy_gbs"]
    ref = {(r["shape"], r["loss"], r["mode"]): r["us"] for r in torch["results"]}
    print(f"adma vs PyTorch on {ours['device']} (copy bandwidth {copy:.0f} GB/s)\n")
    print("| shape | loss | adma us | adma GB/s | % copy | torch eager us | adma / eager | torch compile us | adma / compile |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in ours["results"]:
        e = ref.get((r["shape"], r["loss"], "eager"))
        c = ref.get((r["shape"], r["loss"], "compile"))
        fmt = lambda t: ("%.2f | %.2f" % (t, r["us"] / t)) if t else "- | -"
        print(f"| {r['shape']} | {r['loss']} | {r['us']:.2f} | {r['gbs']:.0f} | {100 * r['gbs'] / copy:.1f}% | "
              f"{fmt(e)} | {fmt(c)} |")


if __name__ == "__main__":
    main()
