"""Recall of the description rules on the team-written probe sets (issue 12).

``tests/fixtures/tools/probes/README.md`` says how the two sets were written and what they
measure (new wordings of known concepts, not real attacks). Each line is scored as a one-tool
listing through ``analyze_listing`` at the default threshold with the rules alone; ``--misses``
lists the misses of the development sets only (the held-back set is counted, never listed).

    python bench/eval_probes.py [--misses]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hardener.detect.descriptions import analyze_listing

PROBES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "tools" / "probes"
THRESHOLD = 3


def flagged(probe: str) -> bool:
    """A line is a description, or (``.jsonl``) a whole tool definition."""
    if probe.startswith("{"):
        tool = json.loads(probe)
    else:
        tool = {"name": "probe", "description": probe, "inputSchema": {}}
    return bool(analyze_listing({"tools": [tool]}, THRESHOLD, model=None))


def lines(name: str) -> list[str]:
    text = (PROBES / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


SETS = ("dev.txt", "dev-schema.jsonl", "heldback.txt", "heldback-schema.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the dev sets' misses")
    args = parser.parse_args()
    for name in SETS:
        probes = lines(name)
        missed = [p for p in probes if not flagged(p)]
        hit = len(probes) - len(missed)
        print(f"{name:22} {hit:3}/{len(probes):<3} = {hit / len(probes):.3f}")
        if args.misses and name.startswith("dev"):
            for probe in missed:
                print("    missed:", probe[:110])


if __name__ == "__main__":
    main()
