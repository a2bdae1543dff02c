"""Benchmark the detectors; prints ratios against baselines measured in the same run.

1. Engine throughput: a synthetic stream of sealed records (sessions, tool lists of real servers,
   calls with arguments, results with excerpts, some server requests) as JSON lines; baseline:
   only ``json.loads`` of the same lines; measured: ``json.loads`` + ``DetectorEngine.observe``.
2. ``analyze-tools`` on a 200-tool list built from the benign corpus; baseline: parsing the file.
3. The shim's enforce-mode decision per call: ``PinStore.view`` + ``should_refuse_call``.
4. Calibration on the corpus: precision/recall, hits per rule, score margins.
5. The classifier's cost (issue 12: within 2x of the rules alone, which is what main runs):
   the 200-tool analysis with ``--classifier`` and without, and the engine stream (which runs
   the rules alone, as on main), interleaved over several rounds; medians, worst rounds, ratio.

Usage: ``python bench/bench_detect.py [--records N]``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import hardener.detect.descriptions as descriptions  # noqa: E402
from hardener.detect.descriptions import analyze_listing, item_texts, scan_text, score  # noqa: E402
from hardener.detect.detector import DetectorEngine  # noqa: E402
from hardener.detect.pins import should_refuse_call  # noqa: E402
from hardener.paths import Platform, hardener_paths  # noqa: E402
from hardener.pin_store import PinStore  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "tools"


def best_of(runs: int, fn: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "benign" / f"{name}.json").read_text("utf-8"))
    return data


def arguments_for(tool: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Plausible arguments that satisfy the tool's schema (required properties only)."""
    schema = tool.get("inputSchema") or {}
    props = schema.get("properties") or {}
    out: dict[str, Any] = {}
    for name in schema.get("required") or []:
        kind = (props.get(name) or {}).get("type")
        if "path" in name.lower():
            out[name] = f"/home/u/project/src/file{rng.randint(0, 50)}.py"
        elif name in ("url", "uri"):
            out[name] = f"https://docs.example/page/{rng.randint(0, 99)}"
        elif kind == "integer" or kind == "number":
            out[name] = rng.randint(1, 9)
        elif kind == "boolean":
            out[name] = True
        elif kind == "array":
            out[name] = []
        elif kind == "object":
            out[name] = {}
        else:
            out[name] = "value " * rng.randint(1, 20)
    return out


def synthetic_stream(count: int) -> list[str]:
    rng = random.Random(7)
    servers = {
        name: load(name)["tools"]
        for name in ("server-filesystem", "mcp-server-fetch", "server-github", "server-memory")
    }
    lines: list[str] = []
    seq = 0
    t = 1_790_000_000.0

    def emit(kind: str, server: str, body: dict[str, Any]) -> None:
        nonlocal seq
        seq += 1
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d}Z"
        event = {
            "v": 1,
            "kind": kind,
            "ts": ts,
            "session": f"s-{server}",
            "n": seq,
            "client": "claude-code",
            "server": server,
            "body": body,
        }
        lines.append(json.dumps({"v": 1, "seq": seq, "ts": ts, "kind": "event", "body": event}))

    for server, tools in servers.items():
        emit("session.start", server, {"protocol_version": "2025-06-18"})
        emit("tools.list", server, {"tools": tools})
    excerpt = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8
    call_id = 0
    while len(lines) < count:
        t += rng.uniform(0.05, 2.0)
        server = rng.choice(list(servers))
        definition = rng.choice(servers[server])
        tool = definition["name"]
        call_id += 1
        arguments = arguments_for(definition, rng)
        emit("tool.call", server, {"id": call_id, "tool": tool, "arguments": arguments})
        emit(
            "tool.result",
            server,
            {
                "id": call_id,
                "tool": tool,
                "status": "ok",
                "is_error": False,
                "duration_ms": 12,
                "size_bytes": 900,
                "result_excerpt": excerpt,
            },
        )
        if call_id % 200 == 0:
            emit("server.request", server, {"method": "roots/list", "via": "request"})
    return lines[:count]


def bench_engine(count: int) -> None:
    lines = synthetic_stream(count)

    def baseline() -> None:
        for line in lines:
            json.loads(line)

    def engine() -> None:
        detector = DetectorEngine()
        for line in lines:
            detector.observe(json.loads(line))

    base = best_of(3, baseline)
    full = best_of(3, engine)
    print(
        f"engine: {count} records; json.loads only {count / base:,.0f} rec/s; "
        f"json.loads + engine {count / full:,.0f} rec/s; ratio {full / base:.1f}x; "
        f"{(full - base) / count * 1e6:.1f} us/record added"
    )


def two_hundred_tools() -> dict[str, Any]:
    tools: list[dict[str, Any]] = []
    for path in sorted((FIXTURES / "benign").glob("*.json")):
        tools += json.loads(path.read_text("utf-8"))["tools"]
    return {"tools": tools[:200]}


def bench_analyze() -> None:
    text = json.dumps(two_hundred_tools())
    base = best_of(5, lambda: json.loads(text))
    full = best_of(5, lambda: analyze_listing(json.loads(text), 3))
    print(
        f"analyze-tools: 200 tools ({len(text) / 1024:.0f} KiB); parse only {base * 1e3:.2f} ms; "
        f"parse + analyze {full * 1e3:.1f} ms; ratio {full / base:.0f}x"
    )


def bench_enforce() -> None:
    with tempfile.TemporaryDirectory() as home:
        store = PinStore(hardener_paths(Platform.current({"HOME": home})))
        tools = load("server-filesystem")["tools"]
        store.observe("claude-code", "fs", tools, None)
        calls = 20_000
        base = best_of(3, lambda: [("claude-code", "fs", "read_file") for _ in range(calls)])
        full = best_of(
            3,
            lambda: [
                should_refuse_call(
                    store.view("claude-code", "fs"), "claude-code", "fs", "read_file"
                )
                for _ in range(calls)
            ],
        )
        print(
            f"enforce decision (shim, per call): {(full - base) / calls * 1e6:.2f} us "
            f"(PinStore.view stat + should_refuse_call); target <= 100 us"
        )


def _label(finding: Any) -> str:
    return "instructions" if finding.kind == "instructions" else f"{finding.kind}:{finding.name}"


def calibration() -> None:
    per_rule: Counter[str] = Counter()
    benign_scores: list[int] = []
    fp = 0
    items = 0
    for path in sorted((FIXTURES / "benign").glob("*.json")):
        listing = json.loads(path.read_text("utf-8"))
        fp += len(analyze_listing(listing, 3))
        for index, tool in enumerate(listing["tools"]):
            items += 1
            signals = [s for p, t in item_texts(tool, f"/tools/{index}") for s in scan_text(t, p)]
            benign_scores.append(score(signals))
    corpus = json.loads((FIXTURES / "poisoned" / "corpus.json").read_text("utf-8"))["items"]
    tp = positives = 0
    poisoned_scores = []
    for item in corpus:
        findings = analyze_listing(item["listing"], 3)
        labels = {_label(f) for f in findings}
        for finding in findings:
            per_rule[finding.rule] += 1
        for label in item["poisoned"]:
            positives += 1
            tp += label in labels
        poisoned_scores.append(max((f.score for f in findings), default=0))
    precision = tp / (tp + fp) if tp + fp else 1.0
    print(
        f"corpus: {items} benign tools, {positives} poisoned items; threshold 3: "
        f"precision {precision:.3f}, recall {tp / positives:.3f}, false positives {fp}"
    )
    print(
        f"  score margin: benign max {max(benign_scores)}, poisoned min {min(poisoned_scores)}; "
        f"benign score histogram {sorted(Counter(benign_scores).items())}"
    )
    print(
        "  findings per rule on the poisoned corpus: "
        + ", ".join(f"{r} {n}" for r, n in sorted(per_rule.items()))
    )


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_classifier(count: int, rounds: int) -> None:
    """With vs without the classifier, interleaved (the rules alone are main's detector)."""
    lines = synthetic_stream(count)
    text = json.dumps(two_hundred_tools())

    model: list[Any] = [None]

    def engine() -> None:
        detector = DetectorEngine()
        for line in lines:
            detector.observe(json.loads(line))

    def analyze() -> None:
        analyze_listing(json.loads(text), 3, model=model[0])

    results: dict[str, dict[str, list[float]]] = {
        "engine": {"rules": [], "model": []},
        "analyze": {"rules": [], "model": []},
    }
    for _round in range(rounds):
        for variant in ("rules", "model"):
            model[0] = descriptions.SHIPPED if variant == "model" else None
            results["engine"][variant].append(_timed(engine))  # the engine runs the rules alone
            results["analyze"][variant].append(_timed(analyze))
    for what, times in results.items():
        rules, model = sorted(times["rules"]), sorted(times["model"])
        mid = len(rules) // 2
        print(
            f"classifier cost, {what}: rules alone median {rules[mid] * 1e3:.1f} ms "
            f"(worst {rules[-1] * 1e3:.1f}); rules + classifier median {model[mid] * 1e3:.1f} ms "
            f"(worst {model[-1] * 1e3:.1f}); ratio {model[mid] / rules[mid]:.2f}x (goal <= 2x)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only-classifier", action="store_true")
    args = parser.parse_args()
    if not args.only_classifier:
        bench_engine(args.records)
        bench_analyze()
        bench_enforce()
        calibration()
    bench_classifier(args.records, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
