"""Time ``summarize(resnet50, (1, 3, 224, 224))`` and building every registered zoo model.

Run: ``.venv/bin/python benchmarks/bench_models.py [--repeat 5] [--device cpu|cuda]``. Prints a table
and writes ``benchmarks/results/models.json``. In the same run it times the plain forward pass of the
reference model and of its torch twin (the same modules turned back into their ``torch.nn`` classes),
so the summary's cost is reported as a ratio to torch's own forward. Goals (issue 3): summarize under
2 s on CPU, building every model under 30 s in total.
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import statistics
import time
from pathlib import Path

import torch

from reference.analysis.summary import summarize
from reference.models import get, names

RESULTS = Path(__file__).parent / "results" / "models.json"


def torch_twin(model: torch.nn.Module) -> torch.nn.Module:
    """A copy whose reference layers are their ``torch.nn`` parent classes (same parameters)."""
    twin = copy.deepcopy(model)
    for module in twin.modules():
        if not type(module).__module__.startswith("reference.nn"):
            continue  # containers and blocks keep their own forward
        for base in type(module).__mro__:
            if base.__module__.startswith("torch.nn"):
                module.__class__ = base
                break
    return twin


def _median_seconds(fn, repeat: int) -> float:  # noqa: ANN001
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_summary(repeat: int, device: torch.device) -> dict[str, float]:
    model = get("resnet50").to(device).eval()
    twin = torch_twin(model)
    x = torch.zeros(1, 3, 224, 224, device=device)

    def forward(net: torch.nn.Module):  # noqa: ANN202
        def run() -> None:
            with torch.no_grad():
                net(x)
            _sync(device)

        return run

    def summary() -> None:
        summarize(model, (1, 3, 224, 224), device=device)
        _sync(device)

    seconds = {
        "summarize_resnet50_s": _median_seconds(summary, repeat),
        "reference_forward_s": _median_seconds(forward(model), repeat),
        "torch_forward_s": _median_seconds(forward(twin), repeat),
    }
    seconds["summarize_over_torch_forward"] = seconds["summarize_resnet50_s"] / seconds["torch_forward_s"]
    seconds["summarize_over_reference_forward"] = seconds["summarize_resnet50_s"] / seconds["reference_forward_s"]
    return seconds


def time_builds() -> dict[str, float]:
    builds = {}
    for name in names():
        start = time.perf_counter()
        get(name)
        builds[name] = time.perf_counter() - start
    return builds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    summary = time_summary(args.repeat, device)
    builds = time_builds()
    print(f"{'measure':36s} {'value':>10s}")
    for key, value in summary.items():
        print(f"{key:36s} {value:10.3f}")
    print(f"{'build every model (total s)':36s} {sum(builds.values()):10.3f}")
    for name, seconds in sorted(builds.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  build {name:28s} {seconds:10.3f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "device": str(device), "torch": torch.__version__, "threads": torch.get_num_threads(),
        "machine": platform.processor() or platform.machine(), "repeat": args.repeat,
        **summary, "build_total_s": sum(builds.values()), "build_s": builds,
    }, indent=1))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
