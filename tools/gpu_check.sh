#!/usr/bin/env bash
# The GPU check, run on a CUDA machine from the repo root (the `device` tool runs it there):
#   the whole test suite with CNNGRADE_DEVICE=cuda, then the convolution benchmark on cuda.
# Uses the machine's own python3 and packages (no install): the `cnngrade` package is laid out as
# links to the repo's folders (what pyproject's package-dir maps), with the repo on PYTHONPATH too.
# Writes logs and JSON under $OUT (default gpu-out/).
set -u
OUT=${OUT:-gpu-out}
mkdir -p "$OUT"
SHIM=$(mktemp -d)
mkdir -p "$SHIM/cnngrade"
cp cnngrade/*.py "$SHIM/cnngrade/"
for part in reference exercises grader examples; do ln -s "$PWD/$part" "$SHIM/cnngrade/$part"; done
export PYTHONUNBUFFERED=1 PYTHONPATH=$SHIM:$PWD CNNGRADE_DEVICE=cuda
python3 - <<'PY' 2>&1 | tee "$OUT/machine.txt"
import os, sys, torch
print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda)
print("gpu", torch.cuda.is_available() and torch.cuda.get_device_name(0), "cpus", os.cpu_count())
from cnngrade.grader.sandbox import probe_isolation
print(probe_isolation())
PY
workers=${WORKERS:-8}
timeout "${TEST_TIMEOUT:-420}" python3 -m pytest -q -n "$workers" --timeout=180 --durations=15 \
    -o addopts="--strict-markers -p no:cacheprovider" 2>&1 | tee "$OUT/pytest-cuda.log" | tail -60
echo "pytest exit: ${PIPESTATUS[0]}"
timeout "${BENCH_TIMEOUT:-120}" python3 -m benchmarks.bench_conv --device cuda \
    --output "$OUT/bench_conv_cuda.json" 2>&1 | tee "$OUT/bench_conv_cuda.txt"
