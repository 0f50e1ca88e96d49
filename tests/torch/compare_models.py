#!/usr/bin/env python3
"""adma against PyTorch in float64, with the same weights: logits, loss, the input's and
every parameter's gradient of one training-mode step, the BatchNorm running statistics it
leaves, and the eval-mode logits and loss after it. adma's half is build/bin/torch_twin
(tests/torch/torch_twin.cpp); the weights go through scripts/torchvision_to_safetensors.py.

    /usr/bin/python3 tests/torch/compare_models.py --twin build/bin/torch_twin --case resnet34

Cases:
  resnet34            torchvision.models.resnet34(num_classes=10), seed 0, BN statistics and
                      affine parameters randomised; batch 4 of 3x64x64; cross-entropy. Not
                      batch 2 at 32x32: layer4 is then 1x1, so its BatchNorms see 2 values per
                      channel, where the input gradient of a BatchNorm is 0 in exact arithmetic
                      (xhat = +-1) and both frameworks return rounding noise, up to 1e-8 apart;
                      at 64x64 they see 16 and agree to ~1e-13
  resnet34-top5       the same with only the top 5 layers trained (models::train_top; PyTorch:
                      requires_grad=False on the rest): the same gradients, and no others
  resnet34-1000       a torch.save'd 1000-class state dict through the converter's command
                      line into a 10-class model: the classifier is replaced, everything else
                      loads (strict names and shapes)
  convnet-elu, convnet-relu, convnet-leaky-relu, convnet-maxout
                      the paper's ConvNet with each activation (a PyTorch twin with adma's
                      names), dropout off, batch 4 of 1x28x28, Adma loss a = 0.258
Exit status: 0 when every tensor agrees to float64 rounding, 1 otherwise; 77 (ctest's skip)
when PyTorch is missing, unless ADMA_REQUIRE_TORCH=1, which makes that a failure.
"""
import argparse
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))

# Normwise relative error max|adma - torch| / max|torch| allowed: float64 rounding through
# ~40 layers of sums (measured: ~1e-14 .. 1e-12), far below anything a wrong formula gives.
TOLERANCE = 1e-10


def need_torch():
    try:
        import torch  # noqa: F401
        import torchvision  # noqa: F401
    except ImportError as e:
        msg = f"PyTorch is not installed for {sys.executable} ({e}); apt-get install python3-torch python3-torchvision"
        if os.environ.get("ADMA_REQUIRE_TORCH") == "1":
            print(f"FAIL: {msg} (ADMA_REQUIRE_TORCH=1)")
            sys.exit(1)
        print(f"SKIP: {msg}")
        sys.exit(77)


def convnet_twin(activation, arg, classes=10, in_ch=1, side=28, filters=(32, 64, 128)):
    """The paper's ConvNet in PyTorch with adma's node names (models/convnet.h), dropout off."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    pieces = int(arg) if activation == "maxout" else 1

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            c, s = in_ch, side
            for b, f in enumerate(filters, 1):
                block = nn.Module()
                for i in (1, 2):
                    setattr(block, f"conv{i}", nn.Conv2d(c, pieces * f, 3, padding=1))
                    # Keras BN: momentum 0.99 is PyTorch's 0.01; eps 1e-3.
                    setattr(block, f"bn{i}", nn.BatchNorm2d(f, eps=1e-3, momentum=0.01))
                    c = f
                setattr(self, f"block{b}", block)
                s //= 2
            self.dense = nn.Linear(c * s * s, classes)

        def act(self, x):
            if activation == "elu":
                return F.elu(x)
            if activation == "relu":
                return F.relu(x)
            if activation == "leaky-relu":
                return F.leaky_relu(x, float(arg))
            n, kf, h, w = x.shape  # maxout over contiguous groups of k channels
            return x.view(n, kf // pieces, pieces, h, w).amax(2)

        def forward(self, x):
            for b in range(1, len(filters) + 1):
                block = getattr(self, f"block{b}")
                for i in (1, 2):
                    x = getattr(block, f"bn{i}")(self.act(getattr(block, f"conv{i}")(x)))
                x = F.max_pool2d(x, 2)
            return self.dense(torch.flatten(x, 1))

    return Net()


def randomise_batchnorm(model, gen):
    import torch

    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                for t, lo, hi in ((m.weight, 0.5, 1.5), (m.bias, -0.2, 0.2), (m.running_mean, -0.2, 0.2),
                                  (m.running_var, 0.5, 2.0)):
                    t.copy_(torch.rand(t.shape, generator=gen, dtype=t.dtype) * (hi - lo) + lo)


def adma_name(name, keras_bn):
    """PyTorch's BN weight/bias are the Keras ConvNet's gamma/beta."""
    if keras_bn and ".bn" in name:
        return name.replace(".weight", ".gamma").replace(".bias", ".beta")
    return name


def tensor_class(name):
    if name.startswith("train.") or name.startswith("eval."):
        return name
    if name == "grad.input":
        return "input gradient"
    kind = "buffer" if name.startswith("buffer.") else "gradient"
    if "running_" in name:
        return "BN running statistics"
    if ".bn" in name or "downsample.1" in name:
        return f"BN {kind}s"
    if ".conv" in name or name.startswith("grad.conv1") or "downsample.0" in name:
        return "conv weight gradients" if name.endswith("weight") else "conv bias gradients"
    return "classifier gradients"


def compare(pairs):
    """pairs: {name: (adma tensor, torch tensor)} -> rows per tensor class, and the worst name."""
    rows, worst = {}, (0.0, "")
    for name, (a, t) in pairs.items():
        a, t = a.double().reshape(-1), t.double().reshape(-1)
        if a.shape != t.shape:
            raise SystemExit(f"FAIL: {name}: adma has {a.numel()} values, PyTorch {t.numel()}")
        abs_err = (a - t).abs().max().item() if a.numel() else 0.0
        scale = t.abs().max().item() if t.numel() else 0.0
        rel = abs_err / scale if scale > 0 else abs_err
        if not math.isfinite(rel):
            rel = math.inf
        c = tensor_class(name)
        r = rows.setdefault(c, [0, 0.0, 0.0])
        r[0] += 1
        r[1] = max(r[1], abs_err)
        r[2] = max(r[2], rel)
        if rel > worst[0] or rel != rel:
            worst = (rel, name)
    return rows, worst


def run_twin(args, spec, classes, weights, x, y, out, loss, extra=()):
    from torchvision_to_safetensors import write_safetensors
    import torch

    inputs = os.path.join(args.work, f"{args.case}-inputs.safetensors")
    write_safetensors(inputs, [("x", x), ("y", y.to(torch.int32))])
    cmd = [args.twin, "--model", spec, "--classes", str(classes), "--weights", weights, "--inputs", inputs,
           "--out", out, "--loss", loss, *extra]
    r = subprocess.run(cmd, capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    if r.returncode != 0:
        sys.stdout.write(r.stderr)
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {r.returncode}")
    return r.stdout


def torch_step(model, x, y, loss_fn, params):
    """One training-mode step and an eval forward in PyTorch: the tensors torch_twin writes."""
    import torch

    model.train()
    x = x.detach().clone().requires_grad_(x.requires_grad)
    z = model(x)
    loss = loss_fn(z, y)
    loss.backward()
    out = {"train.logits": z.detach(), "train.loss": loss.detach().reshape(1)}
    if x.requires_grad:
        out["grad.input"] = x.grad
    for name, p in params:
        if p.grad is not None:
            out["grad." + name] = p.grad
    model.eval()
    with torch.no_grad():
        z = model(x)
        out["eval.logits"] = z
        out["eval.loss"] = loss_fn(z, y).reshape(1)
    return out


def report(case, adma_out, torch_out, buffers):
    from torchvision_to_safetensors import read_safetensors

    got, _ = read_safetensors(adma_out)
    missing = sorted(set(torch_out) - set(got))
    extra = sorted(set(got) - set(torch_out) - {"buffer." + b for b in buffers})
    if missing or extra:
        raise SystemExit(f"FAIL: {case}: tensors only in PyTorch {missing[:5]}, only in adma {extra[:5]}")
    pairs = {n: (got[n], t) for n, t in torch_out.items()}
    for b, t in buffers.items():
        pairs["buffer." + b] = (got["buffer." + b], t)
    rows, (worst, where) = compare(pairs)
    print(f"\n{case}: adma vs PyTorch {__import__('torch').__version__}, float64")
    print(f"| tensors | count | max abs error | max normwise rel error |\n|---|---|---|---|")
    for c in sorted(rows):
        n, a, r = rows[c]
        print(f"| {c} | {n} | {a:.2e} | {r:.2e} |")
    ok = worst <= TOLERANCE
    print(f"{'PASS' if ok else 'FAIL'}: {len(pairs)} tensors, worst {worst:.2e} ({where}), tolerance {TOLERANCE:.0e}")
    return ok


def resnet_case(args, top):
    import torch
    import torch.nn.functional as F
    import torchvision
    from torchvision_to_safetensors import convert, write_safetensors

    torch.manual_seed(0)
    model = torchvision.models.resnet34(weights=None, num_classes=10)
    randomise_batchnorm(model, torch.Generator().manual_seed(1))
    weights = os.path.join(args.work, f"{args.case}-weights.safetensors")
    tensors, dropped = convert(model.state_dict(), "float32")  # the converter's own path
    write_safetensors(weights, tensors)
    assert len(dropped) == 36, dropped
    model = model.double()
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(4, 3, 64, 64, generator=gen, dtype=torch.float64)
    y = torch.tensor([3, 7, 0, 9])
    params = list(model.named_parameters())
    extra = []
    if top:
        trained = ("fc.", "layer4.2.conv2.", "layer4.2.bn2.", "layer4.2.conv1.", "layer4.2.bn1.", "layer4.1.conv2.",
                   "layer4.1.bn2.", "layer4.1.conv1.", "layer4.1.bn1.")
        for n, p in params:
            p.requires_grad_(n.startswith(trained))
        extra = ["--train-top", "5", "--no-input-grad"]
    else:
        x.requires_grad_(True)
    out = os.path.join(args.work, f"{args.case}-adma.safetensors")
    run_twin(args, "resnet34", 10, weights, x.detach(), y, out, "cce", extra)
    want = torch_step(model, x.detach().requires_grad_(not top), y, F.cross_entropy, params)
    if top:
        assert sum(1 for k in want if k.startswith("grad.")) == 14, sorted(want)
    buffers = {n: b for n, b in model.named_buffers() if not n.endswith("num_batches_tracked")}
    return report(args.case, out, want, buffers)


def resnet_1000_case(args):
    import torch
    from torchvision_to_safetensors import random_model

    # The user's path: a torch.save'd state dict (as torchvision's resnet34-*.pth) through the script.
    pth = os.path.join(args.work, "resnet34-1000.pth")
    torch.save(random_model("resnet34", 0, 1000).state_dict(), pth)
    weights = os.path.join(args.work, "resnet34-1000-weights.safetensors")
    r = subprocess.run([sys.executable, os.path.join(HERE, "..", "..", "scripts", "torchvision_to_safetensors.py"),
                        pth, weights], capture_output=True, text=True)
    sys.stdout.write(r.stdout + r.stderr)
    converted = r.returncode == 0 and "182 tensors" in r.stdout and "dropped 36 num_batches_tracked" in r.stdout
    x = torch.zeros(1, 3, 32, 32, dtype=torch.float64)
    said = run_twin(args, "resnet34", 10, weights, x, torch.tensor([0]), "", "cce", ["--load-only"])
    want = ("loaded 180 tensors", "the file's classifier has 1000 classes, the model 10: fc.weight, fc.bias keep "
            "their fresh initialisation")
    ok = converted and all(w in said for w in want)
    print(f"{'PASS' if ok else 'FAIL'}: resnet34-1000: a torch.save'd 1000-class state dict, converted, loads into a "
          f"10-class ResNet-34 with the classifier replaced")
    return ok


def convnet_case(args, activation, arg):
    import torch
    from torchvision_to_safetensors import write_safetensors

    torch.manual_seed(3)
    model = convnet_twin(activation, arg)
    randomise_batchnorm(model, torch.Generator().manual_seed(4))
    model = model.double()
    weights = os.path.join(args.work, f"{args.case}-weights.safetensors")
    write_safetensors(weights, [(adma_name(n, True), t) for n, t in model.state_dict().items()
                                if not n.endswith("num_batches_tracked")])
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(4, 1, 28, 28, generator=gen, dtype=torch.float64)
    y = torch.tensor([1, 0, 9, 4])
    a = 0.258

    def adma_loss(z, y):
        lp = torch.log_softmax(z, 1).gather(1, y[:, None]).squeeze(1)
        return (math.e - torch.exp(torch.exp(a * lp))).mean()

    spec = "convnet:dropout=0,activation=" + activation + (f":{arg}" if arg else "")
    out = os.path.join(args.work, f"{args.case}-adma.safetensors")
    run_twin(args, spec, 10, weights, x, y, out, f"adma:{a}")
    params = [(adma_name(n, True), p) for n, p in model.named_parameters()]
    want = torch_step(model, x.requires_grad_(True), y, adma_loss, params)
    buffers = {adma_name(n, True): b for n, b in model.named_buffers() if not n.endswith("num_batches_tracked")}
    return report(args.case, out, want, buffers)


CASES = {
    "resnet34": lambda a: resnet_case(a, top=False),
    "resnet34-top5": lambda a: resnet_case(a, top=True),
    "resnet34-1000": resnet_1000_case,
    "convnet-elu": lambda a: convnet_case(a, "elu", ""),
    "convnet-relu": lambda a: convnet_case(a, "relu", ""),
    "convnet-leaky-relu": lambda a: convnet_case(a, "leaky-relu", "0.2"),
    "convnet-maxout": lambda a: convnet_case(a, "maxout", "2"),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--twin", required=True, help="build/bin/torch_twin")
    ap.add_argument("--case", choices=sorted(CASES) + ["all"], default="all")
    ap.add_argument("--work", default=None, help="folder for the files exchanged (default: a temporary one)")
    args = ap.parse_args()
    need_torch()
    import tempfile
    import torch

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        args.work = args.work or tmp
        os.makedirs(args.work, exist_ok=True)
        for case in (sorted(CASES) if args.case == "all" else [args.case]):
            args.case = case
            ok = CASES[case](args) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
