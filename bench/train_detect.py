"""Train the description classifier (``hardener/detect/ngram_model.json``) from the tune part only.

Logistic regression over the hashed n-grams of ``hardener.detect.ngram_model``, fitted by plain
SGD in pure Python with a fixed seed, so the same corpus always gives the same weights
(``tests/unit/detect/test_ngram_model.py`` retrains and compares the checksum). Positives are
the tune part's poisoned and openly malicious items, negatives its benign ones, classes
weighted to balance.

How the classifier counts beside the rules is chosen here too, without the holdout: a
leave-source-out cross-validation over the tune part (every source's items scored by a model
trained on the other sources) gives out-of-fold probabilities, and the probability bands that
earn the ``model`` signal 1, 2 or 3 points are the ones that catch the most attacks while the
rules plus the model add at most ``FP_EXTRA`` to the rules' own false-positive rate on the
tune part's benign items.

Usage: ``python bench/train_detect.py [--check]`` (``--check``: train, compare with the shipped
file, exit 1 on a difference; nothing is written).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.detect_corpus import Sample, samples  # noqa: E402
from hardener.detect.descriptions import item_signals, item_texts, score  # noqa: E402
from hardener.detect.ngram_model import (  # noqa: E402
    WEIGHTS_FILE,
    features,
    vector,
)
from hardener.detect.patterns import CAPABILITY_FAMILIES  # noqa: E402
from hardener.policy import DEFAULTS  # noqa: E402

OUT = ROOT / "hardener" / "detect" / WEIGHTS_FILE
SEED = 1212
EPOCHS = 30
RATE = 0.5
L2 = 1e-5
FOLDS = 5
#: false positives the model may add to the rules' own, as a share of the benign items
FP_EXTRA = 0.0015
MIN_WEIGHT = 0.02
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
    return vector(features(t for _p, t in texts_of(sample) if t))


def fit(
    data: Sequence[tuple[dict[int, float], int]], seed: int = SEED
) -> tuple[float, dict[int, float]]:
    """Class-balanced logistic regression by SGD (lazy L2 on the touched weights)."""
    positives = sum(y for _x, y in data) or 1
    negatives = (len(data) - positives) or 1
    class_weight = {1: len(data) / (2 * positives), 0: len(data) / (2 * negatives)}
    weights: dict[int, float] = {}
    bias = 0.0
    order = list(range(len(data)))
    rng = random.Random(seed)
    step = 0
    for _epoch in range(EPOCHS):
        rng.shuffle(order)
        for index in order:
            x, y = data[index]
            step += 1
            rate = RATE / math.sqrt(1 + step / 1000)
            z = bias + sum(weights.get(b, 0.0) * v for b, v in x.items())
            p = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
            g = (p - y) * class_weight[y]
            bias -= rate * g
            for b, v in x.items():
                w = weights.get(b, 0.0)
                weights[b] = w - rate * (g * v + L2 * w)
    return bias, weights


def _predict(bias: float, weights: dict[int, float], x: dict[int, float]) -> float:
    z = bias + sum(weights.get(b, 0.0) * v for b, v in x.items())
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def _fold(source: str) -> int:
    return int(hashlib.sha256(source.encode("utf-8")).hexdigest()[:8], 16) % FOLDS


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


def choose_bands(
    rows: Sequence[tuple[float, int, bool, int]],
) -> tuple[tuple[tuple[float, int], ...], dict[str, float]]:
    """Bands (p floor -> weight) maximising caught attacks under the FP budget, from
    out-of-fold rows (probability, rule score, rules flagged, label)."""
    grid = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 1.01]
    negatives = sum(1 for r in rows if r[3] == 0) or 1
    budget = sum(1 for r in rows if r[3] == 0 and r[2]) / negatives + FP_EXTRA
    best: tuple[float, tuple[tuple[float, int], ...], dict[str, float]] | None = None
    for t3 in grid:
        for t2 in [t for t in grid if t <= t3]:
            for t1 in [t for t in grid if t <= t2]:
                bands = ((t3, 3), (t2, 2), (t1, 1))
                hit = fp = 0
                for p, total, flagged, y in rows:
                    w = next((wt for floor, wt in bands if p >= floor), 0)
                    on = flagged or total + w >= THRESHOLD
                    if y:
                        hit += on
                    else:
                        fp += on
                if fp / negatives > budget:
                    continue
                key = hit - 1e-3 * (t1 + t2 + t3)  # ties: the lower bands
                if best is None or key > best[0]:
                    positives = sum(1 for r in rows if r[3] == 1) or 1
                    best = (key, bands, {"recall": hit / positives, "fp_rate": fp / negatives})
    assert best is not None
    return best[1], best[2]


def train() -> dict[str, Any]:
    tune = [s for s in samples("tune")]
    data = [(_vector(s), 0 if s.label == "benign" else 1) for s in tune]
    digest = hashlib.sha256()
    for sample, (_x, y) in zip(tune, data, strict=True):
        digest.update(json.dumps([sample.where, y, texts_of(sample)], sort_keys=True).encode())
    rows: list[tuple[float, int, bool, int]] = []
    out_of_fold: list[float] = [0.0] * len(tune)
    for fold in range(FOLDS):
        held = [i for i, s in enumerate(tune) if _fold(s.source) == fold]
        rest = [data[i] for i, s in enumerate(tune) if _fold(s.source) != fold]
        bias, weights = fit(rest)
        for i in held:
            out_of_fold[i] = _predict(bias, weights, data[i][0])
    for i, sample in enumerate(tune):
        total, flagged = _rule_view(sample)
        rows.append((out_of_fold[i], total, flagged, data[i][1]))
    bands, cv = choose_bands(rows)
    bias, weights = fit(data)
    kept = {b: round(w, 3) for b, w in sorted(weights.items()) if abs(w) >= MIN_WEIGHT}
    return {
        "format": 1,
        "bias": round(bias, 6),
        "bands": [list(b) for b in bands],
        "meta": {
            "trained_on": "tests/fixtures/tools/corpus tune part (+ the older tune fixtures)",
            "samples": len(tune),
            "positives": sum(y for _x, y in data),
            "training_data_sha256": digest.hexdigest(),
            "seed": SEED,
            "epochs": EPOCHS,
            "bits": 18,
            "leave_source_out_cv": {k: round(v, 4) for k, v in cv.items()},
        },
        "weights": {str(b): w for b, w in kept.items()},
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), sort_keys=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
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
    print("bands:", json.loads(text)["bands"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
