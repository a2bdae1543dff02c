"""Benchmark: the wall time of ``hardener demo`` (the README's first command), both key stores.

Each round runs, interleaved: the baseline (one SDK session straight to the demo server, no
hardener at all: what any MCP demo costs on this machine), then ``hardener demo --keystore file``
and ``hardener demo --keystore gnome-keyring`` (when installed), each as its own process without
the session's D-Bus. Prints the median and the worst wall time of each, its ratio to the baseline
and to the 15 s budget of issue 10.

    .venv/bin/python -m bench.bench_demo [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET = 15.0
BASELINE = """
import os, sys
from hardener.demo.session import run_session
state = sys.argv[1]
args = ["-m", "hardener.demo.server", "--state", state]
run_session(sys.executable, args, dict(os.environ))
"""


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBUS_")}
    kinds = ["file"] + (["gnome-keyring"] if shutil.which("gnome-keyring-daemon") else [])
    times: dict[str, list[float]] = {"baseline": [], **{k: [] for k in kinds}}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(rounds):
            state = str(Path(tmp) / f"starts-{n}")
            times["baseline"].append(_timed([sys.executable, "-c", BASELINE, state], env))
            for kind in kinds:
                demo = [sys.executable, "-m", "hardener", "demo", "--keystore", kind]
                times[kind].append(_timed(demo, env))
    base = statistics.median(times["baseline"])
    print(f"rounds: {rounds} (interleaved); baseline = one SDK session, no hardener")
    for name, values in times.items():
        median, worst = statistics.median(values), max(values)
        print(
            f"{name:>14}: median {median:6.2f} s  worst {worst:6.2f} s  "
            f"x{median / base:5.1f} baseline  {100 * worst / BUDGET:5.1f}% of the {BUDGET:.0f} s budget"
        )


if __name__ == "__main__":
    main()
