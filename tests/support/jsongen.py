"""Hypothesis strategies: JSON values, and documents that print them with random formatting.

The printer is independent of the codec's renderer. Per document it picks an indentation unit (a tab,
2 or 4 spaces), LF or CRLF, a BOM, a final newline, escaped or raw non-ASCII, padding inside one-line
braces, and for JSONC comments (own-line, same-line and block) and trailing commas; per container it
picks one-line or one-item-per-line. Within one document the style is consistent, like a file
written by one tool.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from hardener.formats.interface import Path

keys = st.text(st.characters(codec="utf-8"), max_size=6)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"), max_size=8)
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=12,
)
documents = st.dictionaries(keys, values, max_size=5)


@dataclass(frozen=True)
class Fmt:
    unit: str
    newline: str
    ensure_ascii: bool
    obj_pad: str
    bom: bool
    final_newline: bool
    comments: bool
    trailing_commas: bool


@st.composite
def formats(draw: st.DrawFn, jsonc: bool) -> Fmt:
    return Fmt(
        unit=draw(st.sampled_from(["\t", "  ", "    "])),
        newline=draw(st.sampled_from(["\n", "\r\n"])),
        ensure_ascii=draw(st.booleans()),
        obj_pad=draw(st.sampled_from(["", " "])),
        bom=draw(st.booleans()),
        final_newline=draw(st.booleans()),
        comments=jsonc and draw(st.booleans()),
        trailing_commas=jsonc and draw(st.booleans()),
    )


class Printer:
    def __init__(self, fmt: Fmt, rng: random.Random) -> None:
        self.fmt = fmt
        self.rng = rng

    def comment(self) -> str:
        return self.rng.choice(["// note", "/* block */", "// x: [1, {", "/* a\n   b */"])

    def value(self, value: Any, indent: str, multiline: bool) -> str:
        if isinstance(value, dict | list):
            return self.container(value, indent, multiline and self.rng.random() < 0.7)
        return json.dumps(value, ensure_ascii=self.fmt.ensure_ascii)

    def container(self, value: Any, indent: str, multiline: bool) -> str:
        fmt = self.fmt
        open_, close = ("{", "}") if isinstance(value, dict) else ("[", "]")
        if not value:
            return open_ + close
        items = list(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
        child = indent + fmt.unit
        parts = []
        for key, item in items:
            head = "" if key is None else json.dumps(key, ensure_ascii=fmt.ensure_ascii) + ": "
            parts.append(head + self.value(item, child, multiline))
        if not multiline:
            pad = fmt.obj_pad if open_ == "{" else ""
            return open_ + pad + ", ".join(parts) + pad + close
        nl = fmt.newline
        out = [open_]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if fmt.comments and self.rng.random() < 0.3:
                out.append(nl + child + self.comment().replace("\n", nl))
            comma = "," if not last or fmt.trailing_commas else ""
            tail = ""
            if fmt.comments and self.rng.random() < 0.3:
                tail = " " + self.rng.choice(["// same line", "/* same */"])
            out.append(nl + child + part + comma + tail)
        out.append(nl + indent + close)
        return "".join(out)

    def document(self, value: Any) -> str:
        fmt = self.fmt
        text = self.container(value, "", True) if value else "{}"
        if fmt.comments and self.rng.random() < 0.5:
            text = "// header" + fmt.newline + text
        return ("\ufeff" if fmt.bom else "") + text + (fmt.newline if fmt.final_newline else "")


def all_paths(value: Any, prefix: Path = ()) -> list[Path]:
    """Every path to a value inside ``value`` (not the root itself)."""
    out: list[Path] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((*prefix, key))
            out.extend(all_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append((*prefix, index))
            out.extend(all_paths(item, (*prefix, index)))
    return out


def object_paths(value: Any, prefix: Path = ()) -> list[Path]:
    """Paths of every object in ``value``, the root included."""
    out: list[Path] = [prefix] if isinstance(value, dict) else []
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(object_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(object_paths(item, (*prefix, index)))
    return out
