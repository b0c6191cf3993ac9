"""Benchmarks, each a module: ``.venv/bin/python -m benchmarks.bench_conv --help`` (``make bench`` runs all)."""
