"""Benchmark named in the clients issue (``bench/scan.py``): the same run as ``bench_harden``.

.venv/bin/python -m bench.scan [--runs N]
"""

from __future__ import annotations

from bench.bench_harden import main

if __name__ == "__main__":
    raise SystemExit(main())
