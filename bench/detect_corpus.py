"""The labelled items of the split corpus, one sample per tool/prompt/resource/instructions.

Shared by ``bench/eval_detect.py`` (scoring) and ``bench/train_detect.py`` (training the
classifier from the tune part only). A sample carries a one-item listing for
``analyze_listing`` and the item's texts for the classifier, and the whole listing it came
from (``whole``): a server's tools/list answer, or for a repository's attack definitions every
definition of the same source file (names unique), so listing-level detectors (shadowing: is a
tool the description names one of its own server's?) see what a client would show them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "tools"
CORPUS = FIXTURES / "corpus"


@dataclass(frozen=True)
class Sample:
    source: str
    where: str
    listing: dict[str, Any]  # one item, in tools/list shape
    label: str  # "benign" | "poisoned" | "malicious"
    category: str  # "" for benign; "malicious-capability"; "poisoned/<kind>"
    whole: dict[str, Any] | None = None  # the listing the item came from (None: the item alone)
    kind: str = "tool"  # "tool" | "prompt" | "resource" | "instructions"
    name: str = ""  # the item's name (the finding's name; "server instructions")


_VERSION_TAIL = re.compile(r"(?:@[0-9a-f]{40}|@v?\d[\w.+-]*|==[\w.+-]+)$")


def source_group(source: str) -> str:
    """The source a sample counts under when one source is left out: a repository or package
    without its commit or version; the research fixtures (written for this project) are one."""
    if source.startswith("research:"):
        return "research"
    return _VERSION_TAIL.sub("", source)


def _kind_name(label: str) -> tuple[str, str]:
    if label == "instructions":
        return "instructions", "server instructions"
    kind, _sep, name = label.partition(":")
    return kind, name


def _split_listing(listing: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, kind in (("tools", "tool"), ("prompts", "prompt"), ("resources", "resource")):
        for item in listing.get(key) or []:
            if isinstance(item, Mapping):
                yield f"{kind}:{item.get('name')}", {key: [dict(item)]}
    if listing.get("instructions"):
        yield "instructions", {"tools": [], "instructions": listing["instructions"]}


def _listing_files(split: str) -> Iterator[Path]:
    if split == "tune":
        yield from sorted((FIXTURES / "benign").glob("*.json"))
    yield from sorted((CORPUS / split / "benign").glob("*.json"))


def samples(split: str) -> Iterator[Sample]:
    """Every labelled item of a part, in a fixed order."""
    for path in _listing_files(split):
        listing = json.loads(path.read_text("utf-8-sig"))
        if isinstance(listing, Mapping) and isinstance(listing.get("result"), Mapping):
            listing = listing["result"]
        if isinstance(listing, list):
            listing = {"tools": listing}
        source = str(listing.get("source", path.stem))
        if path.stem.startswith("docker-registry--"):
            source = "github:docker/mcp-registry"
        whole = dict(listing)
        for label, one in _split_listing(listing):
            kind, name = _kind_name(label)
            yield Sample(source, f"{path.stem}/{label}", one, "benign", "", whole, kind, name)
    if split == "tune":
        research = json.loads((FIXTURES / "poisoned" / "corpus.json").read_text("utf-8"))
        for item in research["items"]:
            source = f"research:{item['id']}"
            whole = dict(item["listing"])
            for label, one in _split_listing(item["listing"]):
                poisoned = label in item["poisoned"]
                kind, name = _kind_name(label)
                yield Sample(
                    source,
                    f"{item['id']}/{label}",
                    one,
                    "poisoned" if poisoned else "benign",
                    "poisoned/research-fixtures" if poisoned else "",
                    whole,
                    kind,
                    name,
                )
    for path in sorted((CORPUS / split / "attacks").glob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        by_file: dict[str, list[dict[str, Any]]] = {}
        for item in document["items"]:
            by_file.setdefault(str(item.get("path")), []).append(item["tool"])
        wholes: dict[str, dict[str, Any] | None] = {}
        for where_from, tools in by_file.items():
            names = [str(t.get("name")) for t in tools]
            wholes[where_from] = {"tools": tools} if len(set(names)) == len(names) else None
        for item in document["items"]:
            where = f"{path.stem}:{item.get('path')}:{item['tool']['name']}"
            label = item["label"]
            category = {
                "benign": "",
                "malicious": "malicious-capability",
            }.get(label, f"poisoned/{item.get('category')}")
            whole = wholes[str(item.get("path"))]
            yield Sample(
                document["source"],
                where,
                {"tools": [item["tool"]]},
                label,
                category,
                whole,
                "tool",
                str(item["tool"]["name"]),
            )
