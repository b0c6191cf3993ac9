# Two commands on a fresh machine: `make demo` and `make test`.
# Each creates .venv the first time. The pinned CPU build of torch is installed first, so that the
# project's own `torch>=2.3` is already satisfied and pip never pulls a multi-GB CUDA build.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
TORCH_PIN := torch==2.13.0
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "$(TORCH_PIN)"
	$(PY) -m pip install -q -e ".[test,nbgrader]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m cnngrade demo --out demo-out

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

lint: $(STAMP)
	$(PY) -m pip install -q ruff mypy
	$(PY) -m ruff check cnngrade reference exercises grader solutions tests benchmarks

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(PY) -m benchmarks.$$(basename $$f .py) || exit 1; done

clean:
	rm -rf $(VENV) demo-out .pytest_cache .hypothesis
