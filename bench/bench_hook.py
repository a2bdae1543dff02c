"""Benchmark: what ``hardener-hook`` adds to each MCP tool call of a client, measured in one run.

Run: ``.venv/bin/python bench/bench_hook.py [--rounds 5] [--runs 20]``. Interleaved, round by
round: a bare ``python -c pass`` (the interpreter start every Python hook pays), a minimal Python
hook that reads stdin and appends it to a file (what a hand-written audit hook does), and
``hardener-hook`` with the Claude Code payload captured in ``tests/fixtures/hooks`` (parse,
redact with the shim's redactor, policy from the shim's cache, one spool file). Prints medians
and p90 in ms and the ratios against both baselines. HOME is a throwaway directory, with the
policy cache and fingerprint key warmed first.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = (
    ROOT / "tests" / "fixtures" / "hooks" / "claude-code-2.1.332-PreToolUse.json"
).read_bytes()
_SCRIPT = Path(sys.executable).with_name("hardener-hook")
HOOK = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "hardener.hooks"]
MINIMAL = "import sys; open(sys.argv[1], 'ab').write(sys.stdin.buffer.read() + b'\\n')"


def once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, input=PAYLOAD, env=env, stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "hardener"), quiet=1)
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
        env["HOME"] = home
        variants = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "minimal hook": [sys.executable, "-c", MINIMAL, str(Path(home) / "log.jsonl")],
            "hardener-hook": [*HOOK, "--client", "claude-code"],
        }
        once(variants["hardener-hook"], env)  # warm the policy cache and the fingerprint key
        times: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.rounds):
            for _ in range(args.runs):
                for name, argv in variants.items():
                    times[name].append(once(argv, env))
        medians = {name: statistics.median(t) for name, t in times.items()}
        print(f"{'variant':16} {'median ms':>10} {'p90 ms':>8}  (n={args.rounds * args.runs})")
        for name, t in times.items():
            p90 = statistics.quantiles(t, n=10)[-1]
            print(f"{name:16} {medians[name]:10.1f} {p90:8.1f}")
        hook = medians["hardener-hook"]
        print(f"hardener-hook / python -c pass: {hook / medians['python -c pass']:.2f}x")
        print(f"hardener-hook / minimal hook:   {hook / medians['minimal hook']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
