"""Render new JSON values in the style of the file they go into (L1 pure core).

:func:`detect_style` reads a document's conventions from its span tree: newline (LF or CRLF), the
indentation unit (a tab or N spaces), spacing after ``:`` and ``,``, padding inside one-line braces,
and whether non-ASCII text and ``/`` are escaped. :func:`render` writes a value in that style, using
the node it replaces (or a sibling) as a template: a one-line array stays on one line, a multi-line
object keeps one member per line at the template's indentation, a trailing comma stays, and a child
whose value is unchanged keeps its exact original text.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter, deque
from functools import cached_property, lru_cache
from typing import Any

from hardener.formats.json_tree import BOM, Node, parse_tree, to_plain
from hardener.formats.values import same


def line_start(text: str, pos: int) -> int:
    start = text.rfind("\n", 0, pos) + 1
    return 1 if start == 0 and text.startswith(BOM) else start


def line_indent(text: str, pos: int) -> str:
    """The leading blanks of the line that contains ``pos``."""
    start = line_start(text, pos)
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[start:end]


def starts_line(text: str, pos: int) -> bool:
    """True when only blanks precede ``pos`` on its line."""
    return text[line_start(text, pos) : pos].strip(" \t") == ""


def _most_common(counter: Counter[str], default: str) -> str:
    return counter.most_common(1)[0][0] if counter else default


_ESCAPED_NON_ASCII = re.compile(r"\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])")
_RAW_SLASH = re.compile(r"(?<![\\/*])/(?![/*])")  # not escaped, not part of a comment marker
SAMPLE = 200  # members read for layout conventions: a few containers' worth is plenty


class Style:
    """The formatting conventions of one document: newline and escapes at once, the layout (read
    from the first containers, breadth first) only when a new container or member needs it."""

    def __init__(self, text: str, strict: bool) -> None:
        self._text = text
        self._strict = strict
        newline = text.find("\n")
        self.newline = "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"
        body = text.removeprefix(BOM)
        self.ensure_ascii = _ESCAPED_NON_ASCII.search(body) is not None and body.isascii()
        self.escape_slash = "\\/" in body and _RAW_SLASH.search(body) is None

    @property
    def unit(self) -> str:
        return self._layout[0]

    @property
    def colon(self) -> str:
        return self._layout[1]

    @property
    def comma(self) -> str:
        return self._layout[2]

    @property
    def obj_pad(self) -> str:
        return self._layout[3]

    @property
    def arr_pad(self) -> str:
        return self._layout[4]

    @cached_property
    def _layout(self) -> tuple[str, str, str, str, str]:
        text = self._text
        units: Counter[str] = Counter()
        colons: Counter[str] = Counter()
        commas: Counter[str] = Counter()
        obj_pads: Counter[str] = Counter()
        arr_pads: Counter[str] = Counter()
        queue, seen = deque([parse_tree(text, self._strict)]), 0
        while queue and seen < SAMPLE:
            node = queue.popleft()
            if not node.is_container or not node.entries:
                continue
            seen += len(node.entries)
            first = node.entries[0]
            opening = text[node.start + 1 : first.start]
            if "\n" in opening:
                if starts_line(text, first.start):
                    outer, inner = line_indent(text, node.start), line_indent(text, first.start)
                    if inner.startswith(outer) and len(inner) > len(outer):
                        units[inner[len(outer) :]] += 1
            elif opening.strip(" \t") == "":
                (obj_pads if node.kind == "object" else arr_pads)[opening] += 1
            for prev, entry in itertools.pairwise(node.entries):
                gap = text[prev.comma + 1 : entry.start]
                if gap.strip(" \t") == "":
                    commas[gap] += 1
            for entry in node.entries:
                if entry.key is not None:
                    gap = text[entry.key_end : entry.node.start]
                    if gap.strip(" \t:") == "" and gap.count(":") == 1:
                        colons[gap] += 1
                if entry.node.is_container:
                    queue.append(entry.node)
        tabs = any(line.startswith("\t") for line in text.splitlines()[:50])
        colon = _most_common(colons, ": ")
        blank = "" if colon == ":" else " "  # written without blanks after ':' = compact everywhere
        return (
            _most_common(units, "\t" if tabs else "  "),
            colon,
            _most_common(commas, blank),
            _most_common(obj_pads, blank),
            _most_common(arr_pads, ""),
        )


@lru_cache(maxsize=4)
def detect_style(text: str, strict: bool) -> Style:
    """The conventions of ``text`` (which must parse)."""
    return Style(text, strict)


def scalar(value: object, style: Style) -> str:
    """A JSON scalar in the file's escaping style."""
    if isinstance(value, str):
        out = json.dumps(value, ensure_ascii=style.ensure_ascii)
        return out.replace("/", "\\/") if style.escape_slash else out
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value, allow_nan=False)
    raise TypeError(f"cannot write a {type(value).__name__} into JSON")


class Renderer:
    """Writes values into one document, following its :class:`Style` and template nodes."""

    def __init__(self, text: str, style: Style) -> None:
        self.text = text
        self.style = style

    def render(self, value: Any, indent: str, template: Node | None, multiline: bool) -> str:
        """``value`` as JSON text whose first line continues a line indented by ``indent``."""
        if template is not None and _plain_equal(template, value):
            return self.text[template.start : template.end]
        if isinstance(value, dict):
            return self._container(value, indent, template, multiline, "object")
        if isinstance(value, list | tuple):
            return self._container(list(value), indent, template, multiline, "array")
        return scalar(value, self.style)

    def _container(
        self, value: Any, indent: str, template: Node | None, multiline: bool, kind: str
    ) -> str:
        if template is not None and template.kind != kind:
            template = None
        open_, close = ("{", "}") if kind == "object" else ("[", "]")
        items = list(value.items()) if kind == "object" else list(enumerate(value))
        if not items:
            return open_ + close
        style, text = self.style, self.text
        child_indent, close_indent = indent + style.unit, indent
        pad = style.obj_pad if kind == "object" else style.arr_pad
        sep, trailing = style.comma, False
        if template is not None and template.entries:
            first, last = template.entries[0], template.entries[-1]
            opening = text[template.start + 1 : first.start]
            multiline = "\n" in opening
            if multiline and starts_line(text, first.start):
                child_indent = line_indent(text, first.start)
            if not multiline and opening.strip(" \t") == "":
                pad = opening
            if len(template.entries) > 1:
                gap = text[first.comma + 1 : template.entries[1].start]
                if gap.strip(" \t") == "":
                    sep = gap
            trailing = last.comma >= 0
            if multiline and starts_line(text, template.end - 1):
                close_indent = line_indent(text, template.end - 1)
        parts = []
        for key, item in items:
            child = _child_template(template, key, item)
            body = self.render(item, child_indent, child, multiline)
            if kind == "object":
                if not isinstance(key, str):
                    raise TypeError(f"JSON object keys must be strings, not {key!r}")
                body = scalar(key, style) + style.colon + body
            parts.append(body)
        if not multiline:
            return open_ + pad + ("," + sep).join(parts) + ("," if trailing else "") + pad + close
        nl = style.newline
        lines = ("," + nl + child_indent).join(parts) + ("," if trailing else "")
        return open_ + nl + child_indent + lines + nl + close_indent + close


def _child_template(template: Node | None, key: Any, item: object) -> Node | None:
    """The template of one child: the member with the same key, or for a list item the old item
    with the same string value (so it keeps its exact text), else the item at the same index."""
    if template is None or not template.entries:
        return None
    if isinstance(key, str):
        for entry in reversed(template.entries):
            if entry.key == key:
                return entry.node
        return None
    if isinstance(item, str):
        for entry in template.entries:
            if entry.node.kind == "string" and entry.node.value == item:
                return entry.node
    index: int = min(key, len(template.entries) - 1)
    return template.entries[index].node


def _plain_equal(node: Node, value: object) -> bool:
    if node.is_container != isinstance(value, dict | list):
        return False
    return same(to_plain(node), value)
