"""Benchmark: wrap one server entry in a realistic ~100 KB ``~/.claude.json``.

Compares the splice codec (``JsonCodec.set`` of ``args`` then ``command``, parse caches cleared so
every call parses the text from scratch) with the naive baseline that loses formatting in general:
``json.loads`` of the whole file, change the entry, ``json.dumps`` of the whole file. Both run in
the same process on the same text; the script prints the median time of each and their ratio.

Run: ``.venv/bin/python bench/bench_formats.py [--size-kb 100] [--repeat 50]``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from hardener.formats.json_render import detect_style
from hardener.formats.json_tree import parse_tree
from hardener.formats.jsonc import JsonCodec

SHIM = "/Users/alice/.local/bin/hardener-shim"


def claude_json(size_kb: int, seed: int = 7) -> str:
    """A ~``size_kb`` KB file shaped like Claude Code's (``JSON.stringify(config, null, 2)``)."""
    rng = random.Random(seed)
    config: dict[str, Any] = {
        "numStartups": 412,
        "installMethod": "native",
        "autoUpdates": True,
        "tipsHistory": {f"tip-{i}": rng.randint(1, 400) for i in range(40)},
        "userID": f"{rng.getrandbits(256):064x}",
        "firstStartTime": "2025-03-01T09:12:44.120Z",
        "mcpServers": {
            "playwright": {
                "type": "stdio",
                "command": "npx",
                "args": ["@playwright/mcp@latest"],
                "env": {},
            },
            "notion": {"type": "http", "url": "https://mcp.notion.com/mcp"},
        },
        "projects": {},
        "cachedStatsigGates": {f"gate_{i}": rng.random() < 0.5 for i in range(60)},
    }
    index = 0
    while len(json.dumps(config, indent=2)) < size_kb * 1024:
        path = f"/Users/alice/src/project-{index:03d}"
        config["projects"][path] = {
            "allowedTools": ["Bash(npm test:*)", "Edit"],
            "history": [
                {
                    "display": f"fix the failing test in module {rng.randint(1, 99)} ü ✓",
                    "pastedContents": {},
                }
                for _ in range(rng.randint(3, 12))
            ],
            "mcpServers": {
                "postgres": {
                    "type": "stdio",
                    "command": "uvx",
                    "args": ["mcp-server-postgres", "${DATABASE_URL:-postgresql://localhost/dev}"],
                    "env": {},
                }
            },
            "enabledMcpjsonServers": [],
            "disabledMcpjsonServers": [],
            "hasTrustDialogAccepted": True,
            "lastCost": round(rng.random() * 3, 4),
            "lastDuration": rng.randint(1000, 900000),
        }
        index += 1
    return json.dumps(config, indent=2, ensure_ascii=False) + "\n"


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-kb", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    text = claude_json(args.size_kb)
    codec = JsonCodec()
    projects = list(json.loads(text)["projects"])
    entry = ("projects", projects[len(projects) // 2], "mcpServers", "postgres")
    original = codec.get(text, entry)
    wrapped_args = [
        "--client",
        "claude-code",
        "--server",
        "postgres",
        "--",
        original["command"],
        *original["args"],
    ]

    def splice() -> str:
        parse_tree.cache_clear()
        detect_style.cache_clear()
        out = codec.set(text, (*entry, "args"), wrapped_args)
        return codec.set(out, (*entry, "command"), SHIM)

    def parse_only() -> object:
        parse_tree.cache_clear()
        return codec.parse(text)

    def naive() -> str:
        data = json.loads(text)
        node = data
        for key in entry:
            node = node[key]
        node["args"] = wrapped_args
        node["command"] = SHIM
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    spliced, baseline = splice(), naive()
    t_splice = median_seconds(splice, args.repeat)
    t_parse = median_seconds(parse_only, args.repeat)
    t_naive = median_seconds(naive, args.repeat)
    changed = sum(a != b for a, b in zip(text.splitlines(), spliced.splitlines(), strict=False))
    print(f"file: {len(text) / 1024:.1f} KB, {text.count(chr(10))} lines, {len(projects)} projects")
    print(f"splice codec  (set args + set command): {t_splice * 1000:8.2f} ms")
    print(f"  of which one cold parse of the file:   {t_parse * 1000:8.2f} ms")
    print(f"naive json.loads + json.dumps:          {t_naive * 1000:8.2f} ms")
    print(f"ratio splice / naive:                   {t_splice / t_naive:8.2f}x")
    print(f"same bytes as the naive rewrite on this canonical file: {spliced == baseline}")
    print(f"lines changed by the splice: {changed}")


if __name__ == "__main__":
    main()
