#!/usr/bin/env python3
"""A torchvision (or any PyTorch) state dict as a safetensors file with the same names,
for adma's models::load_weights (models/weights.h). Nothing is downloaded: you bring the file.

    scripts/torchvision_to_safetensors.py resnet34-b627a593.pth resnet34.safetensors
    scripts/torchvision_to_safetensors.py --random resnet34 --seed 0 resnet34-random.safetensors

INPUT is what torch.save wrote: a state dict, a whole nn.Module, or a training checkpoint
holding one under "state_dict" or "model". --random ARCH builds torchvision.models.ARCH
with torch.manual_seed(SEED) and random weights instead (no download: weights=None), for
tests and for trying the pipeline on a machine without the real file.

Every floating tensor is written in --dtype (float32 by default, torchvision's own; float16
and bfloat16 are widened). BatchNorm's `num_batches_tracked` (an int64 count of batches
that PyTorch reads only when the BatchNorm's momentum is None) is DROPPED: adma's BatchNorm
always has a momentum, so the counter means nothing to it (models::load_weights would
ignore it too). Any other non-floating tensor is an error naming it. --strip-prefix removes
a prefix such as "module." (nn.DataParallel) from every name.

Needs only PyTorch (python3-torch; torchvision for --random); no numpy, no safetensors package.
"""
import argparse
import ctypes
import json
import os
import sys


def tensor_bytes(t):
    """The raw little-endian bytes of a contiguous CPU tensor."""
    t = t.detach().contiguous().cpu()
    return ctypes.string_at(t.data_ptr(), t.numel() * t.element_size())


DTYPE_NAMES = {"float32": "F32", "float64": "F64", "int32": "I32", "int64": "I64"}


def write_safetensors(path, tensors, metadata=None):
    """tensors: an ordered list of (name, torch tensor); written in that order, atomically."""
    import torch

    names = {torch.float32: "F32", torch.float64: "F64", torch.int32: "I32", torch.int64: "I64"}
    header, offset, blobs = {}, 0, []
    for name, t in tensors:
        if name in header:
            raise ValueError(f"duplicate tensor name {name!r}")
        if t.dtype not in names:
            raise ValueError(f"{name}: dtype {t.dtype} is not written (F32, F64, I32, I64)")
        data = tensor_bytes(t)
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)  # the format pads the header to 8 bytes
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    """{name: torch tensor} of a safetensors file (F32, F64, I32, I64), and its metadata."""
    import torch

    dtypes = {"F32": torch.float32, "F64": torch.float64, "I32": torch.int32, "I64": torch.int64}
    with open(path, "rb") as f:
        blob = f.read()
    n = int.from_bytes(blob[:8], "little")
    header = json.loads(blob[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = blob[8 + n:]
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:end]), dtype=dtypes[e["dtype"]]) if end > b else \
            torch.empty(0, dtype=dtypes[e["dtype"]])
        out[name] = t.reshape(e["shape"])
    return out, meta


def state_dict_of(obj):
    import torch

    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if isinstance(obj, dict):
        for key in ("state_dict", "model"):
            inner = obj.get(key)
            if isinstance(inner, torch.nn.Module):
                return inner.state_dict()
            if isinstance(inner, dict) and inner and all(torch.is_tensor(v) for v in inner.values()):
                return inner
        if obj and all(torch.is_tensor(v) for v in obj.values()):
            return obj
    raise ValueError("the file holds no state dict (a dict of tensors, an nn.Module, or one under "
                     "'state_dict' or 'model')")


def convert(state, dtype, strip_prefix=""):
    """(name, tensor) pairs to write, and the names dropped."""
    import torch

    want = {"float32": torch.float32, "float64": torch.float64}[dtype]
    out, dropped = [], []
    for name, t in state.items():
        if strip_prefix and name.startswith(strip_prefix):
            name = name[len(strip_prefix):]
        if name.endswith("num_batches_tracked"):
            dropped.append(name)
            continue
        if not t.is_floating_point():
            raise ValueError(f"{name}: a {t.dtype} tensor that is not a BatchNorm counter; adma's weights are floating")
        out.append((name, t.to(want)))
    return out, dropped


def random_model(arch, seed, classes):
    import torch
    import torchvision

    ctor = getattr(torchvision.models, arch, None)
    if ctor is None:
        raise ValueError(f"torchvision.models has no {arch!r}")
    torch.manual_seed(seed)
    return ctor(weights=None, num_classes=classes)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", help="a .pth file (torch.save of a state dict or model)")
    ap.add_argument("output", help="the safetensors file to write")
    ap.add_argument("--random", metavar="ARCH", help="random weights of torchvision.models.ARCH instead of INPUT")
    ap.add_argument("--seed", type=int, default=0, help="torch.manual_seed for --random (default 0)")
    ap.add_argument("--classes", type=int, default=1000, help="num_classes for --random (default 1000)")
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    ap.add_argument("--strip-prefix", default="", help='remove this prefix from names, e.g. "module."')
    args = ap.parse_args(argv)
    try:
        import torch
    except ImportError:
        sys.exit("torchvision_to_safetensors: needs PyTorch (Debian: apt-get install python3-torch python3-torchvision)")
    if (args.input is None) == (args.random is None):
        ap.error("give INPUT or --random ARCH (one of them)")
    if args.random:
        source = f"torchvision.models.{args.random}(weights=None, num_classes={args.classes}), seed {args.seed}"
        state = random_model(args.random, args.seed, args.classes).state_dict()
    else:
        source = os.path.basename(args.input)
        obj = torch.load(args.input, map_location="cpu")
        state = state_dict_of(obj)
    tensors, dropped = convert(state, args.dtype, args.strip_prefix)
    write_safetensors(args.output, tensors, {"format": "pt", "source": source, "converter": "adma torchvision_to_safetensors"})
    values = sum(t.numel() for _, t in tensors)
    print(f"{args.output}: {len(tensors)} tensors, {values} values ({args.dtype}) from {source}; "
          f"dropped {len(dropped)} num_batches_tracked counters")


if __name__ == "__main__":
    main()
