"""The detector's speed against another checkout (issue 12: within 2x of main's).

Each round runs, in a fresh child process per checkout (this one and ``--baseline``, in
alternating order), ``analyze_listing`` on the 200-tool list of ``bench_detect.py`` (cold: the
per-text cache cleared first; and again right after, as a server's next session is) and the
engine over its synthetic record stream (cache cleared first), and prints per checkout the median and the spread
(fastest and slowest round) and the ratio of medians. The child imports ``hardener`` from the
checkout it measures and the bench's data from this one, so both see the same input.

Usage: ``python bench/bench_detect_vs.py --baseline /tmp/detect-main [--rounds 7]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
tree, bench, repeats, records = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, tree)
import hardener
assert hardener.__file__.startswith(tree), hardener.__file__
sys.path.insert(1, bench)
from bench_detect import two_hundred_tools, synthetic_stream
from hardener.detect.descriptions import analyze_listing
from hardener.detect.detector import DetectorEngine
import hardener.detect.descriptions as d
assert d.__file__.startswith(tree), d.__file__
text = json.dumps(two_hundred_tools())
lines = synthetic_stream(records)
analyze_listing(json.loads(text), 3)
clear = getattr(d, "clear_cache", lambda: None)
best = warm = float("inf")
for _ in range(repeats):
    clear()  # cold: no text of the listing seen before
    start = time.perf_counter()
    analyze_listing(json.loads(text), 3)
    best = min(best, time.perf_counter() - start)
    start = time.perf_counter()  # warm: the same listing again (a server's next session)
    analyze_listing(json.loads(text), 3)
    warm = min(warm, time.perf_counter() - start)
start = time.perf_counter()
clear()
engine = DetectorEngine()
for line in lines:
    engine.observe(json.loads(line))
engine_s = time.perf_counter() - start
print(json.dumps({"analyze": best, "analyze-again": warm, "engine": engine_s}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3, help="analyses per round (best kept)")
    parser.add_argument("--records", type=int, default=5000)
    args = parser.parse_args()
    trees = {"this": ROOT, "baseline": args.baseline.resolve()}
    whats = ("analyze", "analyze-again", "engine")
    times: dict[str, dict[str, list[float]]] = {n: {w: [] for w in whats} for n in trees}
    for index in range(args.rounds):
        order = list(trees) if index % 2 == 0 else list(reversed(trees))
        for name in order:
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    CHILD,
                    str(trees[name]),
                    str(ROOT / "bench"),
                    str(args.repeats),
                    str(args.records),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            for what, value in json.loads(out).items():
                times[name][what].append(value)
    for what in whats:
        mine, base = times["this"][what], times["baseline"][what]
        print(
            f"{what}: this median {statistics.median(mine) * 1e3:.1f} ms "
            f"[{min(mine) * 1e3:.1f}..{max(mine) * 1e3:.1f}], baseline median "
            f"{statistics.median(base) * 1e3:.1f} ms [{min(base) * 1e3:.1f}..{max(base) * 1e3:.1f}]"
            f"; ratio {statistics.median(mine) / statistics.median(base):.2f}x "
            f"({args.rounds} rounds, interleaved; goal <= 2x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
