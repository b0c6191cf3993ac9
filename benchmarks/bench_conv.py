"""Time the reference's 2-D convolution family (and pooling) against torch's own ops on the same inputs.

Usage: ``.venv/bin/python -m benchmarks.bench_conv [--device cuda] [--batch 8] [--repeats 15]``
(``--threads 1 --clock cpu`` for steadier numbers on a busy machine; ``make bench`` runs it as a script;
``--malloc default`` times with glibc's own allocator settings, see :func:`steady_malloc`).
Prints a table and writes ``benchmarks/results/conv.json`` (ratio = reference time / torch time; goal
<= 1.5 where torch has the op). Deformable convolution has no torch op (torchvision is not used), so it
is timed against a pure-torch ``grid_sample`` formulation. Both sides run under ``torch.no_grad()``,
interleaved, so machine load hits them alike; times are medians after warm-up.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import pathlib
from collections.abc import Callable

import torch
import torch.nn.functional as F

from benchmarks._timing import interleaved_medians
from cnngrade.reference._device import resolve_device
from cnngrade.reference.compare import compare
from cnngrade.reference.conv import conv2d
from cnngrade.reference.conv_transpose import conv_transpose2d
from cnngrade.reference.deformable import deform_conv2d
from cnngrade.reference.separable import depthwise_conv2d

RESULTS = pathlib.Path(__file__).parent / "results" / "conv.json"
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc mallopt parameters
Case = tuple[str, str, Callable[[], object], Callable[[], object]]


def grid_sample_deform_conv2d(x, offset, weight, bias, stride, padding, dilation, mask):
    """Deformable conv (one offset group) via ``F.grid_sample`` then a matmul: the torch baseline."""
    n, c, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    ho, wo = offset.shape[2:]
    ky, kx = torch.meshgrid(
        torch.arange(kh, device=x.device) * dilation,
        torch.arange(kw, device=x.device) * dilation,
        indexing="ij",
    )
    oy, ox = (
        torch.arange(ho, device=x.device) * stride - padding,
        torch.arange(wo, device=x.device) * stride - padding,
    )
    delta = offset.reshape(n, kh * kw, 2, ho, wo)
    py = ky.reshape(-1, 1, 1) + oy.reshape(1, -1, 1) + delta[:, :, 0]
    px = kx.reshape(-1, 1, 1) + ox.reshape(1, 1, -1) + delta[:, :, 1]
    grid = torch.stack([2 * px / (w - 1) - 1, 2 * py / (h - 1) - 1], dim=-1).reshape(
        n, kh * kw * ho, wo, 2
    )
    cols = F.grid_sample(
        x, grid.to(x.dtype), mode="bilinear", padding_mode="zeros", align_corners=True
    )
    cols = cols.reshape(n, c, kh * kw, ho * wo) * mask.reshape(n, 1, kh * kw, ho * wo)
    y = torch.einsum("ock,nckl->nol", weight.reshape(c_out, c, -1), cols).reshape(n, c_out, ho, wo)
    return y + bias.reshape(1, -1, 1, 1)


def steady_malloc() -> bool:
    """Keep freed memory in the heap (glibc only), so repeated calls reuse warm pages.

    By default glibc serves each temporary over ~128 KiB-32 MiB with a fresh ``mmap`` and returns
    it on free, so every call pays page faults whose cost depends on what ran before (the same op
    measured 4 ms or 13 ms by history). Both sides of every ratio run under the same setting.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(
        libc.mallopt(M_MMAP_THRESHOLD, 32 * 2**20) and libc.mallopt(M_TRIM_THRESHOLD, 2**30)
    )


def conv_cases(dev: torch.device, batch: int) -> list[Case]:
    """(name, shape description, reference call, torch call) for each op of the conv family."""
    g = torch.Generator().manual_seed(0)

    def rand(*shape):
        return torch.randn(*shape, generator=g).to(dev)

    x, w, b = rand(batch, 64, 28, 28), rand(64, 64, 3, 3), rand(64)
    wg, wd, wt = rand(64, 16, 3, 3), rand(64, 1, 3, 3), rand(64, 32, 4, 4)
    xs = rand(batch, 64, 14, 14)
    offset, mask = 0.5 * rand(batch, 18, 14, 14), torch.rand(batch, 9, 14, 14, generator=g).to(dev)
    shape = f"N={batch}, 64x28x28"
    return [
        (
            "standard 3x3",
            shape,
            lambda: conv2d(x, w, b, padding=1),
            lambda: F.conv2d(x, w, b, padding=1),
        ),
        ("strided 3x3 s2", shape, lambda: conv2d(x, w, b, 2, 1), lambda: F.conv2d(x, w, b, 2, 1)),
        (
            "grouped g=4",
            shape,
            lambda: conv2d(x, wg, b, padding=1, groups=4),
            lambda: F.conv2d(x, wg, b, padding=1, groups=4),
        ),
        (
            "dilated d=2",
            shape,
            lambda: conv2d(x, w, b, padding=2, dilation=2),
            lambda: F.conv2d(x, w, b, padding=2, dilation=2),
        ),
        (
            "depthwise 3x3",
            shape,
            lambda: depthwise_conv2d(x, wd, b, padding=1),
            lambda: F.conv2d(x, wd, b, padding=1, groups=64),
        ),
        (
            "pointwise 1x1",
            shape,
            lambda: conv2d(x, w[:, :, :1, :1], b),
            lambda: F.conv2d(x, w[:, :, :1, :1], b),
        ),
        (
            "reflect pad 3x3",
            shape,
            lambda: conv2d(x, w, b, padding=1, padding_mode="reflect"),
            lambda: F.conv2d(F.pad(x, (1, 1, 1, 1), mode="reflect"), w, b),
        ),
        (
            "transposed 4x4 s2",
            f"N={batch}, 64x14x14",
            lambda: conv_transpose2d(xs, wt, b[:32], 2, 1),
            lambda: F.conv_transpose2d(xs, wt, b[:32], 2, 1),
        ),
        (
            "deformable v2 3x3",
            f"N={batch}, 64x14x14 (torch: grid_sample)",
            lambda: deform_conv2d(xs, offset, w, b, padding=1, mask=mask),
            lambda: grid_sample_deform_conv2d(xs, offset, w, b, 1, 1, 1, mask),
        ),
    ]


def torch_max_pool2d_backward(grad, x, kernel_size, stride, padding):
    """torch's max-pool input gradient from scratch: the switches, then its backward kernel."""
    _, indices = F.max_pool2d(x, kernel_size, stride, padding, return_indices=True)
    return torch.ops.aten.max_pool2d_with_indices_backward(
        grad, x, [kernel_size] * 2, [stride] * 2, [padding] * 2, [1, 1], False, indices
    )


def pooling_cases(dev: torch.device, batch: int) -> list[Case]:
    """Pooling ops, if ``reference/pooling.py`` provides them."""
    try:
        from cnngrade.reference.pooling import (
            adaptive_avg_pool2d,
            avg_pool2d,
            max_pool2d,
            max_pool2d_backward,
        )
    except ImportError:
        return []
    g = torch.Generator().manual_seed(1)
    x = torch.randn(batch, 64, 28, 28, generator=g).to(dev)
    grad = torch.randn(batch, 64, 14, 14, generator=g).to(dev)
    shape = f"N={batch}, 64x28x28"
    return [
        (
            "max_pool 3x3 s2",
            shape,
            lambda: max_pool2d(x, 3, 2, 1),
            lambda: F.max_pool2d(x, 3, 2, 1),
        ),
        (
            "max_pool +indices",
            shape,
            lambda: max_pool2d(x, 3, 2, 1, return_indices=True),
            lambda: F.max_pool2d(x, 3, 2, 1, return_indices=True),
        ),
        (
            "max_pool backward",
            f"{shape} (torch: indices + backward)",
            lambda: max_pool2d_backward(grad, x, 3, 2, 1),
            lambda: torch_max_pool2d_backward(grad, x, 3, 2, 1),
        ),
        ("avg_pool 2x2", shape, lambda: avg_pool2d(x, 2), lambda: F.avg_pool2d(x, 2)),
        (
            "adaptive avg 28->7",
            shape,
            lambda: adaptive_avg_pool2d(x, 7),
            lambda: F.adaptive_avg_pool2d(x, 7),
        ),
        (
            "adaptive avg 28->5",
            f"{shape} (overlapping windows)",
            lambda: adaptive_avg_pool2d(x, 5),
            lambda: F.adaptive_avg_pool2d(x, 5),
        ),
    ]


def _check_agree(name: str, ours, theirs) -> None:
    """Raise unless both sides give the same tensor (or the same tuple of tensors)."""
    pairs = zip(ours, theirs, strict=True) if isinstance(ours, tuple) else [(ours, theirs)]
    for a, b in pairs:
        same = compare(a, b, rtol=1e-3, atol=1e-3)
        if not same.ok:
            raise RuntimeError(f"{name}: reference and torch disagree: {same.message}")


def run(dev: torch.device, batch: int, repeats: int, clock: str = "wall") -> list[dict]:
    """Time every case: reference and torch calls alternate, ``repeats`` rounds, medians."""
    rows = []
    with torch.no_grad():
        for name, shape, ours, theirs in conv_cases(dev, batch) + pooling_cases(dev, batch):
            _check_agree(name, ours(), theirs())  # never time two different things
            ref, base = interleaved_medians(ours, theirs, dev, repeats, clock=clock)
            rows.append(
                {
                    "op": name,
                    "shape": shape,
                    "reference_ms": 1e3 * ref,
                    "torch_ms": 1e3 * base,
                    "ratio": ref / base,
                }
            )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--device", default=None, help="cpu or cuda (default: CNNGRADE_DEVICE or cpu)"
    )
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument(
        "--threads", type=int, default=None, help="CPU threads (steadier under load: 1)"
    )
    parser.add_argument(
        "--clock", choices=["wall", "cpu"], default="wall", help="cpu: process CPU time"
    )
    parser.add_argument(
        "--malloc",
        choices=["steady", "default"],
        default="steady",
        help="steady: glibc keeps freed memory (no page faults per call); default: glibc's own",
    )
    parser.add_argument("--output", type=pathlib.Path, default=RESULTS)
    args = parser.parse_args(argv)
    steady = args.malloc == "steady" and steady_malloc()
    if args.threads:
        torch.set_num_threads(args.threads)
    dev = resolve_device(args.device)
    # cuDNN convolutions default to TF32 on CUDA (≈1e-3 relative error; an H200 with torch 2.11
    # disagreed with the float32 reference by 3e-3): time both sides at full float32 precision
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    rows = run(dev, args.batch, args.repeats, args.clock)
    threads = torch.get_num_threads()
    print(
        f"device={dev} torch={torch.__version__} threads={threads} clock={args.clock} "
        f"malloc={'steady' if steady else 'default'} dtype=float32"
    )
    print(f"{'op':<20} {'shape':<40} {'ref ms':>9} {'torch ms':>9} {'ratio':>6}")
    for r in rows:
        print(
            f"{r['op']:<20} {r['shape']:<40} {r['reference_ms']:>9.3f} {r['torch_ms']:>9.3f} {r['ratio']:>6.2f}"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "device": str(dev),
        "torch": torch.__version__,
        "threads": threads,
        "clock": args.clock,
        "malloc": "steady" if steady else "default",
        "batch": args.batch,
    }
    args.output.write_text(json.dumps({"meta": meta, "results": rows}, indent=2))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
