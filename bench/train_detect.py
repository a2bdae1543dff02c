"""Train the description classifier (``hardener/detect/ngram_model.json``) from the tune part only.

Logistic regression over the hashed n-grams of ``hardener.detect.ngram_model``, fitted by plain
SGD in pure Python with a fixed seed, so the same corpus always gives the same weights
(``tests/unit/detect/test_ngram_model.py`` retrains and compares the checksum). Positives are
the tune part's poisoned and openly malicious items, negatives its benign ones, classes
weighted to balance.

The model reads an item's description and schema prose only (not its name nor its parameters'
names), with identifiers, URLs, paths and numbers folded into placeholders, so it cannot key
on which tool or server a text comes from.

How the classifier counts beside the rules is chosen here too, without the holdout, by a
grouped cross-validation over the tune part: every source with attacks is a fold of its own
(the benign-only sources spread over those folds by a hash), its items scored by a model
trained on the other folds and by the rules without the patterns only that source's attacks
match (``bench/detect_loso.py``). From those out-of-fold rows come the probability bands that
earn the ``model`` signal 1, 2 or 3 points and the *gate* (the rule score an item must already
have before the model counts: 0, 1 or 2), the ones that catch the most attacks while adding at
most ``FP_EXTRA`` to the rules' own false-positive rate on the tune part's benign items.
``--select-l2`` prints that validation for each candidate regularisation (how ``L2`` was set).

Usage: ``python bench/train_detect.py [--check | --select-l2]`` (``--check``: train, compare with the shipped
file, exit 1 on a difference; nothing is written).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.detect_corpus import Sample, samples, source_group  # noqa: E402
from bench.detect_loso import patterns_disabled, specific_patterns  # noqa: E402
from hardener.detect.descriptions import item_signals, item_texts, model_texts, score  # noqa: E402
from hardener.detect.ngram_model import (  # noqa: E402
    BITS,
    WEIGHTS_FILE,
    Model,
    features,
    vector,
)
from hardener.detect.patterns import CAPABILITY_FAMILIES  # noqa: E402
from hardener.policy import DEFAULTS  # noqa: E402

OUT = ROOT / "hardener" / "detect" / WEIGHTS_FILE
SEED = 1212
EPOCHS = 30
RATE = 0.5
#: chosen by ``--select-l2`` (grouped cross-validation over the candidates)
L2 = 1e-5
L2_CANDIDATES = (1e-5, 1e-4, 1e-3)
#: rule scores the model's signal may be gated on (0: it counts alone)
GATES = (0, 1, 2)
#: false positives the model may add to the rules' own, as a share of the benign items
FP_EXTRA = 0.0015
MIN_WEIGHT = 0.05
THRESHOLD = int(DEFAULTS["detectors.description_score_threshold"])


def texts_of(sample: Sample) -> list[tuple[str, str]]:
    listing = sample.listing
    if listing.get("instructions"):
        return [("/instructions", str(listing["instructions"]))]
    for key in ("tools", "prompts", "resources"):
        for item in listing.get(key) or []:
            return item_texts(item, f"/{key}/0")
    return []


def _vector(sample: Sample) -> dict[int, float]:
    return vector(features(t for _p, t in model_texts(texts_of(sample))))


def fit(
    data: Sequence[tuple[dict[int, float], int]], seed: int = SEED, l2: float = 1e-5
) -> tuple[float, dict[int, float]]:
    """Class-balanced logistic regression by SGD (lazy L2 on the touched weights).

    The vectors are binary and normalised (every feature of a sample has the same value), so a
    step reads the sample's weights as one exactly rounded sum (``math.fsum``: the same on every
    machine) and moves them all by the same shrink and shift."""
    positives = sum(y for _x, y in data) or 1
    negatives = (len(data) - positives) or 1
    class_weight = {1: len(data) / (2 * positives), 0: len(data) / (2 * negatives)}
    rows = [(tuple(x), next(iter(x.values()), 0.0), y) for x, y in data]
    weights = [0.0] * (1 << BITS)
    touched: set[int] = set()
    for indices, _value, _y in rows:
        touched.update(indices)
    bias = 0.0
    order = list(range(len(rows)))
    rng = random.Random(seed)
    step = 0
    read = weights.__getitem__
    for _epoch in range(EPOCHS):
        rng.shuffle(order)
        for index in order:
            indices, value, y = rows[index]
            step += 1
            rate = RATE / math.sqrt(1 + step / 1000)
            z = bias + value * math.fsum(map(read, indices))
            p = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
            g = (p - y) * class_weight[y]
            bias -= rate * g
            shrink = 1.0 - rate * l2
            shift = rate * g * value
            for b in indices:
                weights[b] = weights[b] * shrink - shift
    return bias, {b: weights[b] for b in sorted(touched)}


def _predict(bias: float, weights: dict[int, float], x: dict[int, float]) -> float:
    z = bias + sum(weights.get(b, 0.0) * v for b, v in x.items())
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def _folds(tune: Sequence[Sample]) -> list[int]:
    """Each sample's fold: every source group with attacks is a fold of its own (leave one
    attack source out); the groups with benign items only are spread over those folds by a
    hash of their name."""
    groups = [source_group(s.source) for s in tune]
    attacking = sorted({g for g, s in zip(groups, tune, strict=True) if s.label != "benign"})
    index = {g: i for i, g in enumerate(attacking)}

    def fold(group: str) -> int:
        if group in index:
            return index[group]
        return int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % len(attacking)

    return [fold(g) for g in groups]


def _rule_view(sample: Sample) -> tuple[int, bool]:
    """(prose score, flagged by the rules alone) of a sample, the rules without the model."""
    signals = item_signals(texts_of(sample), model=None)
    capability = any(s.family in CAPABILITY_FAMILIES for s in signals)
    rest = [s for s in signals if s.family not in CAPABILITY_FAMILIES]
    hidden = [s for s in rest if s.family.startswith("hidden:")]
    ansi = any(s.family == "ansi" for s in rest)
    prose = [s for s in rest if not s.family.startswith("hidden:") and s.family != "ansi"]
    total = score(rest)
    flagged = (
        capability
        or ansi
        or bool(hidden and (len(hidden) > 1 or hidden[0].weight >= 3))
        or (total >= THRESHOLD and bool(prose))
    )
    return total, flagged


Row = tuple[float, int, bool, int]  # out-of-fold probability, rule score, rules flagged, label
Bands = tuple[tuple[float, int], ...]


def choose_bands(rows: Sequence[Row]) -> tuple[Bands, int, dict[str, float]]:
    """Bands (p floor -> weight) and a gate (the rule score an item needs before the model
    counts) maximising caught attacks under the FP budget, from out-of-fold rows."""
    grid = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 1.01]
    negatives = sum(1 for r in rows if r[3] == 0) or 1
    positives = sum(1 for r in rows if r[3] == 1) or 1
    budget = sum(1 for r in rows if r[3] == 0 and r[2]) / negatives + FP_EXTRA
    best: tuple[float, Bands, int, dict[str, float]] | None = None
    for gate in GATES:
        for t3 in grid:
            for t2 in [t for t in grid if t <= t3]:
                for t1 in [t for t in grid if t <= t2]:
                    bands = ((t3, 3), (t2, 2), (t1, 1))
                    hit = fp = 0
                    for p, total, flagged, y in rows:
                        w = next((wt for floor, wt in bands if p >= floor), 0)
                        on = flagged or (total >= gate and total + w >= THRESHOLD)
                        if y:
                            hit += on
                        else:
                            fp += on
                    if fp / negatives > budget:
                        continue
                    # ties: the higher gate, then the lower bands
                    key = hit + 1e-2 * gate - 1e-3 * (t1 + t2 + t3)
                    if best is None or key > best[0]:
                        cv = {"recall": hit / positives, "fp_rate": fp / negatives}
                        best = (key, bands, gate, cv)
    assert best is not None
    return best[1], best[2], best[3]


def _cross_validate(
    tune: Sequence[Sample], data: Sequence[tuple[dict[int, float], int]], l2: float
) -> tuple[list[Row], dict[int, tuple[float, dict[int, float]]], list[int]]:
    """Out-of-fold rows (the rules scored without the patterns only the fold's attack source
    matches, the model trained without the fold), each fold's fit, each sample's fold."""
    folds = _folds(tune)
    own = specific_patterns("tune")
    attacking = sorted({source_group(s.source) for s in tune if s.label != "benign"})
    rows: list[Row] = []
    fits: dict[int, tuple[float, dict[int, float]]] = {}
    out_of_fold = [0.0] * len(tune)
    order = sorted(set(folds))
    training_sets = [[data[i] for i in range(len(tune)) if folds[i] != fold] for fold in order]
    # the folds are independent fits with their own fixed seed: run them side by side
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        fitted = list(pool.map(fit, training_sets, repeat(SEED), repeat(l2)))
    for fold, fold_fit in zip(order, fitted, strict=True):
        fits[fold] = fold_fit
        for i in range(len(tune)):
            if folds[i] == fold:
                out_of_fold[i] = _predict(*fits[fold], data[i][0])
    views: list[tuple[int, bool]] = [(0, False)] * len(tune)
    for fold, group in enumerate(attacking):
        with patterns_disabled(own.get(group, frozenset())):
            for i in range(len(tune)):
                if folds[i] == fold:
                    views[i] = _rule_view(tune[i])
    for i in range(len(tune)):
        rows.append((out_of_fold[i], *views[i], data[i][1]))
    return rows, fits, folds


def _tune_data() -> tuple[list[Sample], list[tuple[dict[int, float], int]]]:
    tune = list(samples("tune"))
    return tune, [(_vector(s), 0 if s.label == "benign" else 1) for s in tune]


def train() -> dict[str, Any]:
    tune, data = _tune_data()
    digest = hashlib.sha256()
    for sample, (_x, y) in zip(tune, data, strict=True):
        digest.update(json.dumps([sample.where, y, texts_of(sample)], sort_keys=True).encode())
    rows, _fits, _folds_of = _cross_validate(tune, data, L2)
    bands, gate, cv = choose_bands(rows)
    bias, weights = fit(data, l2=L2)
    kept = {b: round(w, 3) for b, w in sorted(weights.items()) if abs(w) >= MIN_WEIGHT}
    return {
        "format": 2,
        "bias": round(bias, 6),
        "bands": [list(b) for b in bands],
        "gate": gate,
        "meta": {
            "trained_on": "tests/fixtures/tools/corpus tune part (+ the older tune fixtures)",
            "features": "description and schema prose only; identifiers, URLs, paths, numbers "
            "folded into placeholders",
            "samples": len(tune),
            "positives": sum(y for _x, y in data),
            "training_data_sha256": digest.hexdigest(),
            "seed": SEED,
            "epochs": EPOCHS,
            "l2": L2,
            "bits": BITS,
            "leave_source_out_cv": {k: round(v, 4) for k, v in cv.items()},
        },
        "weights": {str(b): w for b, w in kept.items()},
    }


def fold_models() -> dict[str, Model]:
    """source group -> the classifier trained without that group's fold, with the shipped
    bands and gate (``bench/eval_detect.py --loso --model with``)."""
    tune, data = _tune_data()
    rows, fits, folds = _cross_validate(tune, data, L2)
    bands, gate, _cv = choose_bands(rows)
    models: dict[str, Model] = {}
    for sample, fold in zip(tune, folds, strict=True):
        group = source_group(sample.source)
        if group not in models:
            bias, weights = fits[fold]
            models[group] = Model(bias, weights, bands, {}, gate)
    return models


def select_l2() -> None:
    """Print the grouped cross-validation for each candidate L2 (how ``L2`` was chosen)."""
    tune, data = _tune_data()
    for l2 in L2_CANDIDATES:
        rows, _fits, _folds_of = _cross_validate(tune, data, l2)
        bands, gate, cv = choose_bands(rows)
        print(f"l2={l2:g}: bands={bands} gate={gate} cv={cv}")


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), sort_keys=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--select-l2", action="store_true")
    args = parser.parse_args()
    if args.select_l2:
        select_l2()
        return 0
    text = render(train())
    if args.check:
        same = OUT.exists() and OUT.read_text("utf-8") == text
        print(
            "shipped weights match a retrain" if same else "shipped weights DIFFER from a retrain"
        )
        return 0 if same else 1
    OUT.write_text(text, "utf-8")
    meta = json.loads(text)["meta"]
    print(f"wrote {OUT.relative_to(ROOT)} ({len(text) // 1024} KB): {json.dumps(meta)}")
    print("bands:", json.loads(text)["bands"], "gate:", json.loads(text)["gate"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
