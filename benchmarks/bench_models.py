"""Time ``summarize(resnet50, (1, 3, 224, 224))`` and building every registered zoo model.

Run: ``.venv/bin/python -m benchmarks.bench_models [--repeat 7] [--device cpu|cuda]``. Prints a table
and writes ``benchmarks/results/models.json``. In the same run it times the plain forward pass of the
reference model and of its torch twin (the same modules turned back into their ``torch.nn`` classes),
interleaved so machine load hits both alike, and reports the summary's cost as a ratio to torch's own
forward. Goals (issue 3): summarize under 2 s on CPU, building every model under 30 s in total.
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import time
from pathlib import Path

import torch

from benchmarks._timing import interleaved_medians
from cnngrade.reference._device import resolve_device
from cnngrade.reference.analysis.summary import summarize
from cnngrade.reference.models import get, names

RESULTS = Path(__file__).parent / "results" / "models.json"


def torch_twin(model: torch.nn.Module) -> torch.nn.Module:
    """A copy whose reference layers are their ``torch.nn`` parent classes (same parameters)."""
    twin = copy.deepcopy(model)
    for module in twin.modules():
        if not type(module).__module__.startswith("cnngrade.reference.nn"):
            continue  # containers and blocks keep their own forward
        for base in type(module).__mro__:
            if base.__module__.startswith("torch.nn"):
                module.__class__ = base
                break
    return twin


def time_summary(repeat: int, device: torch.device) -> dict[str, float]:
    model = get("resnet50").to(device).eval()
    twin = torch_twin(model)
    x = torch.zeros(1, 3, 224, 224, device=device)

    def forward(net: torch.nn.Module):  # noqa: ANN202
        def run() -> None:
            with torch.no_grad():
                net(x)

        return run

    summary_s, torch_s = interleaved_medians(
        lambda: summarize(model, (1, 3, 224, 224), device=device), forward(twin), device, repeat
    )
    reference_s, torch_again_s = interleaved_medians(forward(model), forward(twin), device, repeat)
    return {
        "summarize_resnet50_s": summary_s,
        "torch_forward_s": torch_s,
        "summarize_over_torch_forward": summary_s / torch_s,
        "reference_forward_s": reference_s,
        "reference_over_torch_forward": reference_s / torch_again_s,
    }


def time_builds() -> dict[str, float]:
    builds = {}
    for name in names():
        start = time.perf_counter()
        get(name)
        builds[name] = time.perf_counter() - start
    return builds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    device = resolve_device(args.device)
    summary = time_summary(args.repeat, device)
    builds = time_builds()
    print(f"{'measure':36s} {'value':>10s}")
    for key, value in summary.items():
        print(f"{key:36s} {value:10.3f}")
    print(f"{'build every model (total s)':36s} {sum(builds.values()):10.3f}")
    for name, seconds in sorted(builds.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  build {name:28s} {seconds:10.3f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "device": str(device),
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "machine": platform.processor() or platform.machine(),
                "repeat": args.repeat,
                **summary,
                "build_total_s": sum(builds.values()),
                "build_s": builds,
            },
            indent=1,
        )
    )
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
