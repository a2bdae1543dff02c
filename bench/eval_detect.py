"""Evaluate the description and rug-pull detectors on the split corpus (tune and holdout).

Runs the same detector code path as ``hardener analyze-tools`` (``analyze_listing`` at the
policy's default ``detectors.description_score_threshold``) over every item of
``tests/fixtures/tools/corpus/{tune,holdout}`` (the tune split also holds the older fixtures
``tests/fixtures/tools/{benign,poisoned}``, which the detectors were first calibrated on), and
prints, per split:

- recall per category of poisoned descriptions, and for openly malicious capabilities;
- the false-positive rate on benign items (tools, prompts, resources, instructions);
- for rug-pull pairs, the severity distribution of ``grade_definition_change``: real malicious
  revisions from attack demos, synthetic ones (a benign tool of the split that gains one of the
  split's poisoned descriptions), and benign consecutive upstream releases.

Usage: ``python bench/eval_detect.py [--split tune|holdout|both] [--model both|with|without]
[--misses] [--json]`` (the tune figures with the classifier are in-sample: it was trained on
that part; ``bench/train_detect.py`` prints its leave-source-out cross-validation).
``--misses`` lists what was missed or falsely flagged — for the tune split only, unless
``--holdout-misses`` is given too (the holdout is not for tuning).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.detect_corpus import CORPUS, samples, source_group  # noqa: E402
from bench.detect_loso import patterns_disabled, specific_patterns  # noqa: E402
from hardener.detect import descriptions  # noqa: E402
from hardener.detect.changes import grade_definition_change  # noqa: E402
from hardener.detect.descriptions import SHIPPED, analyze_listing  # noqa: E402
from hardener.detect.ngram_model import Model  # noqa: E402
from hardener.detect.pins import pinned_view  # noqa: E402
from hardener.settings import Detectors  # noqa: E402

THRESHOLD = Detectors().description_score_threshold
GOALS = {"poisoned": 0.92, "malicious": 0.8, "fp": 0.005, "benign_high": 0.05}


class Tally:
    def __init__(self) -> None:
        self.positives: Counter[str] = Counter()
        self.detected: Counter[str] = Counter()
        self.benign = 0
        self.flagged: list[str] = []
        self.misses: list[str] = []
        self.sources: set[str] = set()

    def positive(self, category: str, hit: bool, where: str) -> None:
        self.positives[category] += 1
        if hit:
            self.detected[category] += 1
        else:
            self.misses.append(f"{category}: {where}")

    def negative(self, hit: bool, where: str) -> None:
        self.benign += 1
        if hit:
            self.flagged.append(where)


def evaluate_descriptions(
    split: str,
    model: Model | str | None = SHIPPED,
    only: str | None = None,
    tally: Tally | None = None,
) -> Tally:
    """Every labelled item of the part through ``analyze_listing`` (``model=None``: rules only),
    each whole listing analysed once and an item counted by its own findings. ``only``: just
    the items of that source group; ``tally``: add to it."""
    tally = tally if tally is not None else Tally()
    flagged: dict[int, tuple[object, set[tuple[str, str]]]] = {}  # keeps each listing alive
    for sample in samples(split):
        if only is not None and source_group(sample.source) != only:
            continue
        tally.sources.add(sample.source)
        if sample.whole is None:
            hit = bool(analyze_listing(sample.listing, THRESHOLD, model=model))
        else:  # the whole listing once (as a client shows it), the item's own findings
            if id(sample.whole) not in flagged:
                findings = analyze_listing(sample.whole, THRESHOLD, model=model)
                flagged[id(sample.whole)] = (sample.whole, {(f.kind, f.name) for f in findings})
            hit = (sample.kind, sample.name) in flagged[id(sample.whole)][1]
        if sample.label == "benign":
            tally.negative(hit, sample.where)
        else:
            tally.positive(sample.category, hit, sample.where)
    return tally


# --- leave one source out (rules) -------------------------------------------------------------


def evaluate_loso(
    split: str, fold_models: dict[str, Model] | None = None
) -> tuple[Tally, dict[str, list[str]]]:
    """Rules, leave one source out: each source group's items are scored with every clause
    pattern disabled that matches the attacks of *that group only* (a pattern no other source
    needs was, in effect, written for it). Returns the pooled tally and, per group, the
    descriptions of the patterns so disabled. ``fold_models``: per group, the classifier trained
    without that group (``bench/train_detect.py``), scored beside the rules."""
    own = specific_patterns(split)
    groups = sorted({source_group(s.source) for s in samples(split)})
    tally = Tally()
    specific: dict[str, list[str]] = {}
    for group in groups:
        mine = own.get(group, frozenset())
        if mine:
            specific[group] = [f"{descriptions._FLAT[i][0]}#{i}" for i in sorted(mine)]
        with patterns_disabled(mine):
            model = fold_models[group] if fold_models is not None else None
            evaluate_descriptions(split, model, only=group, tally=tally)
    return tally, specific


# --- rug pulls --------------------------------------------------------------------------------


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def benign_pairs(split: str) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(where, old, new) for every tool whose definition changed between consecutive releases."""
    for package in sorted(p for p in (CORPUS / split / "versions").glob("*") if p.is_dir()):
        files = sorted(package.glob("*.json"), key=lambda p: _version_key(p.stem))
        for older, newer in itertools.pairwise(files):
            old_tools = {t["name"]: t for t in json.loads(older.read_text("utf-8"))["tools"]}
            for tool in json.loads(newer.read_text("utf-8"))["tools"]:
                before = old_tools.get(tool["name"])
                if before is not None and pinned_view(before) != pinned_view(tool):
                    where = f"{package.name} {older.stem}->{newer.stem} {tool['name']}"
                    yield where, before, tool


def malicious_pairs(split: str) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(kind, where, old, new): real rug pulls from attack demos, then synthetic ones."""
    poisoned: list[dict[str, Any]] = []
    for path in sorted((CORPUS / split / "attacks").glob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        for pair in document.get("rugpulls", []):
            yield "real", f"{path.stem}: {pair['where']}", pair["before"], pair["after"]
        poisoned += [i["tool"] for i in document["items"] if i["label"] == "poisoned"]
    hosts = [new for _where, _old, new in benign_pairs(split)]
    if not hosts:
        return
    for index, payload in enumerate(poisoned):
        host = hosts[(index * 7) % len(hosts)]
        after = json.loads(json.dumps(host))
        after["description"] = f"{host.get('description') or ''}\n\n{payload['description']}"
        extra = (payload.get("inputSchema") or {}).get("properties") or {}
        if extra:
            schema = after.setdefault("inputSchema", {"type": "object"})
            schema.setdefault("properties", {}).update(extra)
        yield "synthetic", f"{host['name']} + {payload['name']}", host, after


def evaluate_rugpulls(split: str, model: Model | str | None = SHIPPED) -> dict[str, Any]:
    out: dict[str, Any] = {}
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    for kind, where, old, new in malicious_pairs(split):
        grade = grade_definition_change(old, new, THRESHOLD, model=model)
        groups[f"malicious-{kind}"][grade.severity] += 1
        if not grade.blocking:
            misses.append(f"malicious-{kind}: {where}")
    for where, old, new in benign_pairs(split):
        grade = grade_definition_change(old, new, THRESHOLD, model=model)
        groups["benign-upstream"][grade.severity] += 1
        if grade.blocking:
            misses.append(f"benign-upstream high: {where}: {'; '.join(grade.reasons)}")
    out["groups"] = {k: dict(v) for k, v in sorted(groups.items())}
    out["misses"] = misses
    return out


# --- report -----------------------------------------------------------------------------------


def report(split: str, tally: Tally, rug: dict[str, Any], variant: str) -> dict[str, Any]:
    rows = []
    for category in sorted(tally.positives):
        n, hit = tally.positives[category], tally.detected[category]
        rows.append({"category": category, "n": n, "detected": hit, "recall": hit / n})
    poisoned_n = sum(v for k, v in tally.positives.items() if k.startswith("poisoned/"))
    poisoned_hit = sum(v for k, v in tally.detected.items() if k.startswith("poisoned/"))
    malicious_n = tally.positives["malicious-capability"]
    malicious_hit = tally.detected["malicious-capability"]
    benign_groups = rug["groups"].get("benign-upstream", {})
    benign_total = sum(benign_groups.values())
    benign_high = sum(v for k, v in benign_groups.items() if k in ("high", "critical"))
    malicious_total = sum(
        sum(v.values()) for k, v in rug["groups"].items() if k.startswith("malicious")
    )
    malicious_high = sum(
        sum(n for s, n in v.items() if s in ("high", "critical"))
        for k, v in rug["groups"].items()
        if k.startswith("malicious")
    )
    return {
        "split": split,
        "variant": variant,
        "sources": len(tally.sources),
        "categories": rows,
        "poisoned": {"n": poisoned_n, "detected": poisoned_hit},
        "malicious": {"n": malicious_n, "detected": malicious_hit},
        "benign": {"n": tally.benign, "flagged": len(tally.flagged)},
        "rugpull": rug["groups"],
        "rugpull_summary": {
            "malicious_high": malicious_high,
            "malicious": malicious_total,
            "benign_high": benign_high,
            "benign": benign_total,
        },
    }


def _ratio(hit: int, n: int) -> str:
    return f"{hit}/{n} = {hit / n:.3f}" if n else "n/a"


def print_report(result: dict[str, Any]) -> None:
    split = result["split"]
    print(
        f"\n== {split} split, {result['variant']} "
        f"({result['sources']} sources, threshold {THRESHOLD})"
    )
    print(f"{'category':<34}{'n':>5}{'hit':>6}{'recall':>9}")
    for row in result["categories"]:
        print(f"{row['category']:<34}{row['n']:>5}{row['detected']:>6}{row['recall']:>9.3f}")
    p, m, b = result["poisoned"], result["malicious"], result["benign"]
    goal = GOALS
    print(
        f"recall, poisoning (all)         {_ratio(p['detected'], p['n'])}  goal >= {goal['poisoned']}"
    )
    print(
        f"recall, malicious capability    {_ratio(m['detected'], m['n'])}  goal >= {goal['malicious']}"
    )
    fp = b["flagged"] / b["n"] if b["n"] else 0.0
    print(f"false positives on benign items {b['flagged']}/{b['n']} = {fp:.2%}  goal <= 0.5%")
    print("rug-pull pairs (severity of grade_definition_change):")
    for group, counts in result["rugpull"].items():
        total = sum(counts.values())
        dist = ", ".join(f"{k} {counts.get(k, 0)}" for k in ("low", "high", "critical"))
        print(f"  {group:<20} n={total:<4} {dist}")
    s = result["rugpull_summary"]
    print(
        f"  malicious changes high/critical: {_ratio(s['malicious_high'], s['malicious'])}  goal 1.0"
    )
    print(
        f"  benign updates high/critical:    {_ratio(s['benign_high'], s['benign'])}  goal <= {goal['benign_high']}"
    )


def print_loso(args: argparse.Namespace) -> int:
    variants: list[tuple[str, dict[str, Model] | None]] = []
    if args.model in ("both", "without"):
        variants.append(("rules only, leave one source out", None))
    if args.model in ("both", "with"):
        from bench.train_detect import fold_models  # trains: only when asked

        variants.append(("rules + classifier, leave one source out", fold_models()))
    for variant, models in variants:
        _print_loso_variant(args, variant, models)
    return 0


def _print_loso_variant(
    args: argparse.Namespace, variant: str, models: dict[str, Model] | None
) -> None:
    tally, specific = evaluate_loso("tune", models)
    empty: dict[str, Any] = {"groups": {}, "misses": []}
    result = report("tune", tally, empty, variant)
    if args.json:
        result["source_specific_patterns"] = specific
        print(json.dumps(result, indent=2))
        return
    print_report(result)
    print("-- patterns matched by one source's attacks only (disabled for that source):")
    for group, names in specific.items():
        print(f"    {group}: {', '.join(names)}")
    if args.misses:
        print("-- tune, leave one source out: missed")
        for line in tally.misses:
            print("   ", line)
        print("-- tune, leave one source out: false positives")
        for line in tally.flagged:
            print("   ", line)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=("tune", "holdout", "both"), default="both")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--holdout-misses", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--loso",
        action="store_true",
        help="tune only: leave one source out (each source scored without the patterns only "
        "its own attacks match; with --model with/both, by a classifier trained without it)",
    )
    parser.add_argument(
        "--model",
        choices=("both", "with", "without"),
        default="both",
        help="score with the shipped classifier, the rules alone, or both (default)",
    )
    args = parser.parse_args()
    if args.loso:
        return print_loso(args)
    splits = ["tune", "holdout"] if args.split == "both" else [args.split]
    variants: list[tuple[str, str | None]] = []
    if args.model in ("both", "without"):
        variants.append(("rules only", None))
    if args.model in ("both", "with"):
        variants.append(("rules + classifier", SHIPPED))
    results = []
    for split, (variant, model) in itertools.product(splits, variants):
        tally = evaluate_descriptions(split, model)
        rug = evaluate_rugpulls(split, model)
        result = report(split, tally, rug, variant)
        results.append(result)
        if not args.json:
            print_report(result)
        if args.misses and (split == "tune" or args.holdout_misses):
            print(f"-- {split}: missed")
            for line in tally.misses:
                print("   ", line)
            print(f"-- {split}: false positives")
            for line in tally.flagged:
                print("   ", line)
            print(f"-- {split}: rug-pull misgrades")
            for line in rug["misses"]:
                print("   ", line[:300])
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
