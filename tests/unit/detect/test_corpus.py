"""Calibration of the description detector on the labelled corpus (tests/fixtures/tools/).

The benign corpus is the real tools/list of widely used servers (sources in each file); the
poisoned corpus is written from published attack research (make_poisoned.py). The default
threshold must give zero false positives on the first and full recall on the second.
"""

from __future__ import annotations

from hardener.detect.descriptions import analyze_listing
from hardener.settings import Detectors
from tests.support.detect_records import benign_listings, poisoned_items

THRESHOLD = Detectors().description_score_threshold


def _label(finding) -> str:
    return "instructions" if finding.kind == "instructions" else f"{finding.kind}:{finding.name}"


def test_corpus_precision_and_recall():
    benign_items = 0
    false_positives: list[str] = []
    for name, listing in benign_listings():
        assert listing["source"].startswith(("npm:", "pypi:")), name
        benign_items += len(listing["tools"]) + len(listing.get("prompts") or [])
        benign_items += len(listing.get("resources") or []) + bool(listing.get("instructions"))
        false_positives += [f"{name}/{_label(f)}" for f in analyze_listing(listing, THRESHOLD)]

    positives = 0
    detected = 0
    missed: list[str] = []
    for item in poisoned_items():
        labels = {_label(f) for f in analyze_listing(item["listing"], THRESHOLD)}
        for label in item["poisoned"]:
            positives += 1
            if label in labels:
                detected += 1
            else:
                missed.append(f"{item['id']}/{label}")
        false_positives += [f"{item['id']}/{x}" for x in labels - set(item["poisoned"])]

    flagged = detected + len(false_positives)
    precision = detected / flagged if flagged else 1.0
    recall = detected / positives
    print(
        f"\ncorpus: {benign_items} benign items from {len(list(benign_listings()))} servers, "
        f"{positives} poisoned items; threshold {THRESHOLD}: precision {precision:.3f}, "
        f"recall {recall:.3f}, false positives {len(false_positives)}"
    )
    assert benign_items >= 500
    assert positives >= 40
    assert false_positives == []
    assert missed == []


def test_the_corpus_can_fail():
    """A threshold far above every score misses everything: the recall check has teeth."""
    item = poisoned_items()[0]
    assert analyze_listing(item["listing"], 1000) == []
