"""A small learned text classifier beside the rules: logistic regression over hashed n-grams (L1 pure core).

The weights are package data (``ngram_model.json`` beside this module), trained at build time by
``bench/train_detect.py`` from the *tune* part of the corpus only (fixed seed; a test retrains
and compares the checksum). Nothing is downloaded or trained at run time.

Features of one item (its description and every schema text, as ``descriptions.model_texts``
gives them — not its name nor its parameters' names): lower-cased word unigrams and bigrams and character
4-grams inside words, each hashed (CRC-32) into ``2**BITS`` buckets; the vector is binary and
L2-normalised so a long benign description is not scored by its length. ``predict`` returns the
probability and the word n-grams that pushed it up most, with where they occur, so a finding
can say *why* (the top-weighted n-grams and their span in the text).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

BITS: Final = 18
_MASK: Final = (1 << BITS) - 1
#: Tokens, with what is specific to one server folded into a placeholder: URLs, e-mail
#: addresses, paths, identifiers (``snake_case``, ``dotted.names``, ``camelCase``) and numbers, so
#: the model learns how a description talks, not which tool or server it names.
_TOKEN_RE: Final = re.compile(
    r"(?P<url>\b(?:https?|ftp|wss?)://\S+|\bwww\.\S+)"
    r"|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<path>(?:~|\$HOME|%\w+%)?/[\w.~-]+(?:/[\w.~-]*)+|~/[\w.~-]+)"
    r"|(?P<id>[A-Za-z][A-Za-z0-9]*(?:[_.-][A-Za-z0-9]+)*[_.][A-Za-z0-9]+"
    r"|[a-z]+[0-9]*(?:[A-Z][a-z0-9]+)+)"
    r"|(?P<num>\d+(?:[.,]\d+)*)"
    r"|</?[A-Za-z][A-Za-z0-9_-]*>?|[A-Za-z0-9]+(?:'[A-Za-z]+)?|[{}\[\]<>#!$`|]"
)
_PLACEHOLDER: Final = {"url": "<url>", "email": "<email>", "path": "<path>", "id": "<id>"}
_PLACEHOLDER["num"] = "<num>"
WEIGHTS_FILE: Final = "ngram_model.json"


def normal_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) of a text, lower-cased, identifiers, URLs, addresses, paths and
    numbers as placeholders; offsets are in the NFKC text, which keeps them aligned for the
    ASCII that n-grams are made of (used only to point at a span)."""
    out = []
    for match in _TOKEN_RE.finditer(unicodedata.normalize("NFKC", text)):
        kind = match.lastgroup
        token = _PLACEHOLDER[kind] if kind is not None else match.group().lower()
        out.append((token, match.start(), match.end()))
    return out


def features(texts: Iterable[str]) -> dict[str, tuple[str, int, int]]:
    """Every feature name of the texts -> (first text's index, start, end) where it occurs.

    Word features are ``w:TOKEN`` and ``b:TOKEN TOKEN``; character features ``c:GRAM`` (their
    location is the word they came from)."""
    found: dict[str, tuple[str, int, int]] = {}
    for index, text in enumerate(texts):
        toks = tokens(text)
        where = str(index)
        previous: tuple[str, int, int] | None = None
        for tok, start, end in toks:
            found.setdefault(f"w:{tok}", (where, start, end))
            if previous is not None:
                found.setdefault(f"b:{previous[0]} {tok}", (where, previous[1], end))
            previous = (tok, start, end)
            if tok.isalpha() and len(tok) >= 4:
                padded = f"^{tok}$"
                for i in range(len(padded) - 3):
                    found.setdefault(f"c:{padded[i : i + 4]}", (where, start, end))
    return found


def bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & _MASK


def vector(names: Iterable[str]) -> dict[int, float]:
    """The binary, L2-normalised hashed vector of feature names."""
    buckets = {bucket(name) for name in names}
    if not buckets:
        return {}
    value = 1.0 / math.sqrt(len(buckets))
    return dict.fromkeys(buckets, value)


@dataclass(frozen=True)
class Evidence:
    feature: str  # "w:ignore" / "b:do not"
    contribution: float
    text_index: int
    span: tuple[int, int]


@dataclass(frozen=True)
class Prediction:
    probability: float
    evidence: tuple[Evidence, ...]  # strongest word n-grams first


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[int, float]
    #: probability bands -> signal weight (chosen by leave-source-out validation on tune)
    bands: tuple[tuple[float, int], ...]
    meta: dict[str, Any]
    #: the rules' own score an item needs before the model's signal counts (0: always)
    gate: int = 0

    def predict(self, texts: Sequence[str], top: int = 5) -> Prediction:
        found = features(texts)
        vec = vector(found)
        z = self.bias + sum(self.weights.get(b, 0.0) * v for b, v in vec.items())
        probability = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
        scale = next(iter(vec.values()), 0.0)
        evidence = []
        for name, (where, start, end) in found.items():
            if name.startswith("c:"):
                continue
            weight = self.weights.get(bucket(name), 0.0) * scale
            if weight > 0:
                evidence.append(Evidence(name, weight, int(where), (start, end)))
        evidence.sort(key=lambda e: (-e.contribution, e.feature))
        return Prediction(probability, tuple(evidence[:top]))

    def weight_of(self, probability: float) -> int:
        """The signal weight the probability earns (0: none)."""
        for floor, weight in self.bands:
            if probability >= floor:
                return weight
        return 0


def model_from_json(document: dict[str, Any]) -> Model:
    weights = {int(k): float(v) for k, v in document["weights"].items()}
    bands = tuple((float(p), int(w)) for p, w in document["bands"])
    meta = dict(document.get("meta", {}))
    return Model(float(document["bias"]), weights, bands, meta, int(document.get("gate", 0)))


@cache
def shipped_model() -> Model | None:
    """The model shipped in the package, or None when it is absent (the rules still run)."""
    try:
        text = resources.files("hardener.detect").joinpath(WEIGHTS_FILE).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    return model_from_json(json.loads(text))
