"""TOML codec over tomlkit's round-trip document model (L1 pure core).

tomlkit keeps comments, key order, blank lines and the trivia around every value, so a ``set`` of
one key re-renders only that key's line (or table). On top of that this module keeps the style of
the value it replaces: a literal ``'string'`` stays literal, an inline table stays inline, a
multi-line array stays multi-line, and list items that existed before keep their quoting; new
arrays are inline and new tables are ``[a.b]`` sections (Codex's ``[mcp_servers.<name>]`` shape).
An empty file is an empty document. TOML has no null, so writing ``None`` is refused.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import tomlkit
from tomlkit.exceptions import ParseError, TOMLKitError
from tomlkit.items import Array, InlineTable, Item, String, StringType, Table
from tomlkit.toml_document import TOMLDocument

from hardener.formats.interface import MISSING, Codec, Path, PathConflictError, SyntaxErrorAt

_AT_LINE = re.compile(r"\s*at line \d+ col \d+$")


def load(text: str) -> TOMLDocument:
    """Parse ``text``; errors become :class:`SyntaxErrorAt` (tomlkit's column is 0-based)."""
    try:
        return tomlkit.parse(text)
    except ParseError as exc:
        problem = _AT_LINE.sub("", str(exc)) or "invalid TOML"
        raise SyntaxErrorAt(exc.line, exc.col + 1, problem) from None
    except TOMLKitError as exc:  # pragma: no cover - tomlkit raises ParseError subclasses
        raise SyntaxErrorAt(1, 1, str(exc)) from None


def _child(node: Any, key: str | int) -> Any:
    """The child item at ``key``, or MISSING."""
    if isinstance(key, str):
        if isinstance(node, dict) and key in node:
            return node[key]
        return MISSING
    if isinstance(node, list) and not isinstance(key, bool) and 0 <= key < len(node):
        return node[key]
    return MISSING


def _plain(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


class TomlCodec(Codec):
    """TOML (Codex ``config.toml``)."""

    name = "toml"

    def parse(self, text: str) -> Any:
        return load(text).unwrap()

    def get(self, text: str, path: Path) -> Any:
        node: Any = load(text)
        for key in path:
            node = _child(node, key)
            if node is MISSING:
                return MISSING
        return _plain(node)

    def set(self, text: str, path: Path, value: Any) -> str:
        if not path:
            raise PathConflictError("cannot replace the whole TOML document")
        doc = load(text)
        node: Any = doc
        for depth, key in enumerate(path[:-1]):
            child = _child(node, key)
            if child is MISSING:
                return _dump_insert(doc, node, key, _nest(path, depth + 1, value), text)
            node = child
        key = path[-1]
        old = _child(node, key)
        if old is not MISSING and _same(_plain(old), value):
            return text
        if old is MISSING:
            return _dump_insert(doc, node, key, value, text)
        _check_container(node, key, path)
        node[key] = _styled(value, old)
        return doc.as_string()

    def delete(self, text: str, path: Path) -> str:
        if not path:
            raise PathConflictError("cannot delete the whole TOML document")
        doc = load(text)
        node: Any = doc
        for key in path[:-1]:
            node = _child(node, key)
            if node is MISSING:
                return text
        if _child(node, path[-1]) is MISSING:
            return text
        del node[path[-1]]
        return doc.as_string()


def _nest(path: Path, depth: int, value: Any) -> Any:
    for key in reversed(path[depth:]):
        if not isinstance(key, str):
            raise PathConflictError(f"cannot create list item {key} in a TOML document")
        value = {key: value}
    return value


def _check_container(node: Any, key: str | int, path: Path) -> None:
    if isinstance(key, str) and not isinstance(node, dict):
        raise PathConflictError(f"cannot set {'/'.join(map(str, path))}: parent is not a table")
    if isinstance(key, int) and not isinstance(node, list):
        raise PathConflictError(f"cannot set {'/'.join(map(str, path))}: parent is not an array")


def _dump_insert(doc: TOMLDocument, node: Any, key: str | int, value: Any, text: str) -> str:
    """Add a new key (or append an array item) to ``node`` and render the document."""
    if isinstance(key, int):
        if not isinstance(node, Array) or key != len(node) or isinstance(key, bool):
            raise PathConflictError(f"no array item {key} to set")
        node.append(_styled(value, node[-1] if len(node) else MISSING, inline=True))
        return doc.as_string()
    if not isinstance(node, dict):
        raise PathConflictError(f"cannot add key {key!r}: its parent is not a table")
    inline = isinstance(node, InlineTable) or not isinstance(node, Table | TOMLDocument)
    item = _styled(value, MISSING, inline=inline)
    if isinstance(item, Table):
        # Keep a blank line between the new section and whatever section follows it.
        item.add(tomlkit.nl())
    node[key] = item
    out = doc.as_string()
    if isinstance(item, Table) and out.endswith("\n\n") and not text.endswith("\n\n"):
        out = out[:-1]
    return out


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _string(value: str, old: Any) -> Item:
    """A TOML string in the style of ``old`` when that style can hold ``value``."""
    kind = old.type if isinstance(old, String) else StringType.SLB
    if kind in (StringType.MLB, StringType.MLL):
        kind = StringType.SLB
    if kind is StringType.SLL and (
        "'" in value or any(ord(c) < 0x20 or c == "\x7f" for c in value)
    ):
        kind = StringType.SLB
    return String.from_raw(value, kind)


def _styled(value: Any, old: Any, inline: bool = False) -> Item:
    """``value`` as a tomlkit item that looks like ``old`` (the item it replaces, or MISSING)."""
    if value is None:
        raise PathConflictError("TOML has no null value; refusing to write None")
    if isinstance(old, String) and isinstance(value, str) and str(old) == value:
        kept: Item = copy.copy(old)  # the exact original text, escapes and all
        return kept
    if isinstance(value, str):
        return _string(value, old)
    if isinstance(value, dict):
        if not (inline or isinstance(old, InlineTable)):
            table = tomlkit.table()
            for key, item in value.items():
                table[key] = _styled(item, _child(old, key))
            return table
        return _inline_table(value, old)
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        olds = list(old) if isinstance(old, Array) else []
        for index, item in enumerate(value):
            same = next(
                (o for o in olds if isinstance(item, str) and o == item and isinstance(o, String)),
                None,
            )
            template = (
                same if same is not None else olds[min(index, len(olds) - 1)] if olds else MISSING
            )
            array.append(_styled(item, template, inline=True))
        if isinstance(old, Array) and "\n" in old.as_string():
            array.multiline(True)
        return array
    if not isinstance(value, bool | int | float):
        raise PathConflictError(f"cannot write a {type(value).__name__} into TOML")
    result: Item = tomlkit.item(value)
    return result


def _inline_table(value: dict[str, Any], old: Any) -> Item:
    """An inline table padded like ``old`` (default ``{ a = 1 }``, as Codex writes them)."""
    pad = "" if isinstance(old, InlineTable) and not old.as_string().startswith("{ ") else " "
    parts = [
        f"{tomlkit.key(key).as_string()} = {_styled(item, _child(old, key), inline=True).as_string()}"
        for key, item in value.items()
    ]
    body = "{" + pad + ", ".join(parts) + pad + "}" if parts else "{}"
    parsed: Item = tomlkit.parse(f"x = {body}\n")["x"]
    return parsed
