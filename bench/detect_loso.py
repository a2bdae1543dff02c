"""Leave one source out for the rules: which clause patterns only one source's attacks match.

A pattern that matches the attack items (poisoned or malicious) of one tune source and of no
other was, in effect, written for that source; scoring that source without it shows what the
rules would do on wording they were not adjusted to (``bench/eval_detect.py --loso``,
``bench/train_detect.py`` for the classifier's rule view).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from bench.detect_corpus import samples, source_group
from hardener.detect import descriptions
from hardener.detect.descriptions import item_texts


def _matching_patterns(text: str, kind: int) -> set[int]:
    """Indices (into the flat pattern list) of every clause pattern that matches a text, the
    way ``descriptions._pattern_hits`` reads it (not only each family's strongest)."""
    skel = descriptions.skeleton(text)
    flat = descriptions._unwrap(skel.text)
    found: set[int] = set()
    for index, (family, _weight, regex, prose_only) in enumerate(descriptions._FLAT):
        if kind and prose_only:
            continue
        subject = skel.text if family == "padding" else flat
        if descriptions.first_counted(family, regex, subject, kind) is not None:
            found.add(index)
    return found


def pattern_sources(split: str) -> dict[int, set[str]]:
    """pattern index -> the source groups of the attack items it matches a text of."""
    sources: dict[int, set[str]] = defaultdict(set)
    for sample in samples(split):
        if sample.label == "benign":
            continue
        group = source_group(sample.source)
        for key in ("tools", "prompts", "resources"):
            for item in sample.listing.get(key) or []:
                for pointer, text in item_texts(item, f"/{key}/0"):
                    kind = 2 if pointer.endswith("#name") else 1 if pointer.endswith("/name") else 0
                    for index in _matching_patterns(text, kind):
                        sources[index].add(group)
        if sample.listing.get("instructions"):
            for index in _matching_patterns(str(sample.listing["instructions"]), 0):
                sources[index].add(group)
    return sources


def specific_patterns(split: str) -> dict[str, frozenset[int]]:
    """source group -> the patterns only its attacks match."""
    out: dict[str, set[int]] = defaultdict(set)
    for index, owners in pattern_sources(split).items():
        if len(owners) == 1:
            out[next(iter(owners))].add(index)
    return {group: frozenset(found) for group, found in out.items()}


@contextmanager
def patterns_disabled(indices: frozenset[int]) -> Iterator[None]:
    """Score with those patterns skipped (the detector's evaluation seam), cache cleared."""
    descriptions.DISABLED = indices
    descriptions.clear_cache()
    try:
        yield
    finally:
        descriptions.DISABLED = frozenset()
        descriptions.clear_cache()
