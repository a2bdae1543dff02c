"""A hand-written JSON/JSONC scanner that builds a span tree (L1 pure core).

Every value in the tree knows the exact ``[start, end)`` character span it occupies in the text, and
every member of an object or item of an array knows where its key starts and where its separating
comma is, so the codecs can splice one value and leave every other byte alone. ``strict`` parses
RFC 8259 JSON (comments and trailing commas are errors); otherwise the VS Code JSONC dialect is
accepted (``//`` and ``/* */`` comments, trailing commas). A UTF-8 BOM is accepted and kept in both
modes (the span positions count it). Errors are :class:`SyntaxErrorAt` with a 1-based line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from hardener.formats.interface import SyntaxErrorAt

BOM = "\ufeff"
MAX_DEPTH = 128  # real configs nest < 20 deep; keeps recursion far from Python's limit

# One regex per token class; the scanner tries them at the current position.
_WS = re.compile(r"[ \t\r\n]*")
_WS_OR_COMMENTS = re.compile(r"(?:[ \t\r\n]+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_LITERALS = {"t": ("true", True), "f": ("false", False), "n": ("null", None)}


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


#: CPython's C scanner: ``scan_once(text, pos) -> (value, end)``; validates a whole value at C speed.
_DECODER = json.JSONDecoder(parse_constant=_no_constants)
_scan_once: Callable[[str, int], tuple[object, int]] = _DECODER.scan_once  # type: ignore[attr-defined]


class Node:
    """One value: ``kind`` is object, array, string, number, true, false or null.

    ``start``/``end`` delimit the value's text (for containers, from the opening bracket to just after
    the closing one). Scalars carry their decoded ``value``; containers carry ``entries``, scanned on
    first use when the container was validated in one go by the C JSON scanner (``fast``).
    """

    __slots__ = ("_entries", "_text", "end", "fast", "kind", "start", "value")

    def __init__(
        self,
        kind: str,
        start: int,
        end: int,
        value: Any = None,
        entries: tuple[Entry, ...] | None = None,
        *,
        text: str | None = None,
    ) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.value = value
        self._entries = entries
        self._text = text
        self.fast = text is not None

    @property
    def is_container(self) -> bool:
        return self.kind in ("object", "array")

    @property
    def entries(self) -> tuple[Entry, ...]:
        if self._entries is None:
            if self._text is None:
                return ()
            # Valid by construction (the C scanner accepted it), so strictness does not matter.
            self._entries = _Scanner(self._text, strict=True).container(self.start, 0).entries
        return self._entries

    def __repr__(self) -> str:
        return f"Node({self.kind}, {self.start}, {self.end})"


class Entry(NamedTuple):
    """An object member (``key`` set, ``start``/``key_end`` around its key string) or an array item
    (``key`` None, ``start`` == ``key_end`` == ``node.start``). ``comma`` is the index of the comma
    after the value, or -1 when there is none."""

    key: str | None
    start: int
    key_end: int
    node: Node
    comma: int


def line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of ``pos`` (a BOM is not counted as a column)."""
    line = text.count("\n", 0, pos) + 1
    line_start = text.rfind("\n", 0, pos) + 1
    column = pos - line_start + 1
    if line_start == 0 and text.startswith(BOM) and pos > 0:
        column -= 1
    return line, column


class _Scanner:
    """Recursive-descent parser over one text; produces the :class:`Node` tree."""

    def __init__(self, text: str, strict: bool) -> None:
        self.text = text
        self.strict = strict
        self.skip = _WS if strict else _WS_OR_COMMENTS

    def fail(self, pos: int, problem: str) -> SyntaxErrorAt:
        line, column = line_col(self.text, pos)
        return SyntaxErrorAt(line, column, problem)

    def ws(self, pos: int) -> int:
        end = self.skip.match(self.text, pos).end()  # type: ignore[union-attr]
        if end < len(self.text) and self.text.startswith("/", end):
            self._bad_comment(end)
        return end

    def _bad_comment(self, pos: int) -> None:
        if self.strict and self.text.startswith(("//", "/*"), pos):
            raise self.fail(pos, "comments are not allowed in strict JSON")
        if self.text.startswith("/*", pos):
            raise self.fail(pos, "unterminated block comment")
        raise self.fail(pos, "unexpected character '/'")

    def document(self) -> Node:
        pos = 1 if self.text.startswith(BOM) else 0
        pos = self.ws(pos)
        if pos >= len(self.text):
            raise self.fail(pos, "the document is empty (no JSON value)")
        node = self.value(pos, 0)
        end = self.ws(node.end)
        if end < len(self.text):
            raise self.fail(end, "unexpected content after the end of the document")
        return node

    def value(self, pos: int, depth: int) -> Node:
        text = self.text
        if pos >= len(text):
            raise self.fail(pos, "unexpected end of document, expected a value")
        ch = text[pos]
        if ch == '"':
            return self.string(pos)
        if ch in "{[":
            try:
                end = _scan_once(text, pos)[1]
                return Node("object" if ch == "{" else "array", pos, end, text=text)
            except (ValueError, StopIteration, RecursionError):
                pass  # comments, trailing commas or an error: scan it here, with exact messages
            if depth >= MAX_DEPTH:
                raise self.fail(pos, f"nesting deeper than {MAX_DEPTH} levels")
            return self.container(pos, depth + 1)
        if ch in _LITERALS:
            word, val = _LITERALS[ch]
            if text.startswith(word, pos):
                return Node(word, pos, pos + len(word), val)
        m = _NUMBER.match(text, pos)
        if m:
            raw = m.group()
            try:
                num: int | float = int(raw) if raw.isdigit() or raw[1:].isdigit() else float(raw)
            except ValueError:
                raise self.fail(pos, "number too long") from None
            return Node("number", pos, m.end(), num)
        raise self.fail(pos, f"unexpected character {_show(ch)}, expected a value")

    def string(self, pos: int) -> Node:
        m = _STRING.match(self.text, pos)
        if not m:
            raise self.fail(*self._string_problem(pos))
        raw = m.group()
        value = raw[1:-1] if "\\" not in raw else json.loads(raw)
        return Node("string", pos, m.end(), value)

    def _string_problem(self, pos: int) -> tuple[int, str]:
        text = self.text
        i = pos + 1
        while i < len(text):
            ch = text[i]
            if ch == '"':
                break
            if ch == "\\":
                esc = text[i + 1 : i + 2]
                if esc == "u":
                    if not re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2 : i + 6]):
                        return i, "invalid \\u escape in string"
                    i += 6
                    continue
                if esc not in ('"', "\\", "/", "b", "f", "n", "r", "t"):
                    return i, f"invalid escape {_show(chr(92) + esc)} in string"
                i += 2
                continue
            if ord(ch) < 0x20:
                return i, "control character in string (escape it)"
            i += 1
        return pos, "unterminated string"

    def container(self, pos: int, depth: int) -> Node:
        text = self.text
        is_object = text[pos] == "{"
        close = "}" if is_object else "]"
        entries: list[Entry] = []
        i = self.ws(pos + 1)
        while True:
            if i >= len(text):
                raise self.fail(pos, f"unclosed {'object' if is_object else 'array'}")
            if text[i] == close:
                if entries and entries[-1].comma >= 0 and self.strict:
                    raise self.fail(
                        entries[-1].comma, "trailing comma is not allowed in strict JSON"
                    )
                kind = "object" if is_object else "array"
                return Node(kind, pos, i + 1, None, tuple(entries))
            if entries and entries[-1].comma < 0:
                raise self.fail(i, f"expected ',' or '{close}'")
            start = i
            key: str | None = None
            key_end = i
            if is_object:
                if text[i] != '"':
                    raise self.fail(i, "expected a string key in double quotes")
                key_node = self.string(i)
                key, key_end = key_node.value, key_node.end
                i = self.ws(key_node.end)
                if i >= len(text) or text[i] != ":":
                    raise self.fail(i, "expected ':' after the key")
                i = self.ws(i + 1)
            node = self.value(i, depth)
            i = self.ws(node.end)
            comma = -1
            if i < len(text) and text[i] == ",":
                comma = i
                i = self.ws(i + 1)
            entries.append(Entry(key, start, key_end, node, comma))
            if comma >= 0 and i < len(text) and text[i] == ",":
                raise self.fail(i, "unexpected ','")


def _show(ch: str) -> str:
    return repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"


@lru_cache(maxsize=4)
def parse_tree(text: str, strict: bool) -> Node:
    """The span tree of ``text`` (memoised: codecs re-parse the same text for get/set)."""
    return _Scanner(text, strict).document()


def parse_plain(text: str, strict: bool) -> object:
    """The whole document as plain values: one C-speed pass for valid JSON; the span tree (and
    its exact error messages) for anything else."""
    try:
        return _DECODER.decode(text.removeprefix(BOM))
    except (ValueError, RecursionError):
        return to_plain(parse_tree(text, strict))


def to_plain(node: Node) -> object:
    """Plain Python value of a node (a fresh copy); for duplicate keys the last one wins, like
    ``JSON.parse``."""
    if node.fast and node._text is not None:
        return _scan_once(node._text, node.start)[0]
    if node.kind == "object":
        return {e.key: to_plain(e.node) for e in node.entries}
    if node.kind == "array":
        return [to_plain(e.node) for e in node.entries]
    return node.value


def find(node: Node, key: str | int) -> Entry | None:
    """The entry at ``key`` in a container (the last one for a duplicated key), or None."""
    if isinstance(key, str):
        if node.kind != "object":
            return None
        for entry in reversed(node.entries):
            if entry.key == key:
                return entry
        return None
    if node.kind != "array" or isinstance(key, bool) or not 0 <= key < len(node.entries):
        return None
    return node.entries[key]
