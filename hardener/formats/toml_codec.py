"""TOML codec over tomlkit's round-trip document model (L1 pure core).

tomlkit keeps comments, key order, blank lines and the trivia around every value, so a ``set`` of
one key re-renders only that key's line (or table), in place. New values follow the style of the
ones they replace (:mod:`hardener.formats.toml_values`); new arrays are inline and new tables are
``[a.b]`` sections (Codex's ``[mcp_servers.<name>]`` shape), separated by a blank line. A BOM and
CRLF line endings are kept (:mod:`hardener.formats.newlines`). An empty file is an empty document.
"""

from __future__ import annotations

import re
from typing import Any

import tomlkit
from tomlkit.exceptions import ParseError, TOMLKitError
from tomlkit.items import AoT, Array, InlineTable, Table
from tomlkit.toml_document import TOMLDocument

from hardener.formats import newlines
from hardener.formats.interface import MISSING, Codec, Path, PathConflictError, SyntaxErrorAt
from hardener.formats.toml_values import child, plain, styled
from hardener.formats.values import same

_AT_LINE = re.compile(r"\s*at line \d+ col \d+$")


def load(text: str) -> TOMLDocument:
    """Parse ``text``; errors become :class:`SyntaxErrorAt` (tomlkit's column is 0-based)."""
    try:
        return tomlkit.parse(text.removeprefix(newlines.BOM))
    except ParseError as exc:
        problem = _AT_LINE.sub("", str(exc)) or "invalid TOML"
        raise SyntaxErrorAt(exc.line, exc.col + 1, problem) from None
    except TOMLKitError as exc:  # pragma: no cover - tomlkit raises ParseError subclasses
        raise SyntaxErrorAt(1, 1, str(exc)) from None


class TomlCodec(Codec):
    """TOML (Codex ``config.toml``)."""

    name = "toml"

    def parse(self, text: str) -> Any:
        return load(text).unwrap()

    def get(self, text: str, path: Path) -> Any:
        node: object = load(text)
        for key in path:
            node = child(node, key)
            if node is MISSING:
                return MISSING
        return plain(node)

    def set(self, text: str, path: Path, value: object) -> str:
        if not path:
            raise PathConflictError("cannot replace the whole TOML document")
        body, layout = newlines.split(text)
        out = self._set(body, path, value)
        return text if out is body else newlines.join(out, layout)

    def _set(self, text: str, path: Path, value: Any) -> str:
        doc = load(text)
        node: Any = doc
        for depth, key in enumerate(path[:-1]):
            found = child(node, key)
            if found is MISSING:
                return _dump_insert(doc, node, key, _nest(path, depth + 1, value), text)
            node = found
        key = path[-1]
        old = child(node, key)
        if old is not MISSING and same(plain(old), value):
            return text
        if old is MISSING:
            return _dump_insert(doc, node, key, value, text)
        _check_container(node, key, path)
        node[key] = styled(value, old)
        return doc.as_string()

    def delete(self, text: str, path: Path) -> str:
        if not path:
            raise PathConflictError("cannot delete the whole TOML document")
        body, layout = newlines.split(text)
        out = self._delete(body, path)
        return text if out is body else newlines.join(out, layout)

    def _delete(self, text: str, path: Path) -> str:
        doc = load(text)
        node: Any = doc
        for key in path[:-1]:
            node = child(node, key)
            if node is MISSING:
                return text
        if child(node, path[-1]) is MISSING:
            return text
        del node[path[-1]]
        return _trim_end(doc.as_string(), text)


def _nest(path: Path, depth: int, value: object) -> object:
    for key in reversed(path[depth:]):
        if not isinstance(key, str):
            raise PathConflictError(f"cannot create list item {key} in a TOML document")
        value = {key: value}
    return value


def _check_container(node: object, key: str | int, path: Path) -> None:
    if isinstance(key, str) and not isinstance(node, dict):
        raise PathConflictError(f"cannot set {'/'.join(map(str, path))}: parent is not a table")
    if isinstance(key, int) and not isinstance(node, list):
        raise PathConflictError(f"cannot set {'/'.join(map(str, path))}: parent is not an array")


def _dump_insert(doc: TOMLDocument, node: object, key: str | int, value: object, text: str) -> str:
    """Add a new key (or append an array item) to ``node`` and render the document."""
    if isinstance(key, int):
        if isinstance(node, AoT) and key == len(node) and isinstance(value, dict):
            # an array of tables ([[a.b]]) grows by one more [[a.b]] section
            node.append(styled(value, MISSING, inline=False))
            return doc.as_string()
        if not isinstance(node, Array) or key != len(node) or isinstance(key, bool):
            raise PathConflictError(f"no array item {key} to set")
        node.append(styled(value, node[-1] if len(node) else MISSING, inline=True))
        return doc.as_string()
    if not isinstance(node, dict):
        raise PathConflictError(f"cannot add key {key!r}: its parent is not a table")
    inline = isinstance(node, InlineTable) or not isinstance(node, Table | TOMLDocument)
    item = styled(value, MISSING, inline=inline)
    if isinstance(item, Table):
        # Keep a blank line between the new section and whatever section follows it.
        item.add(tomlkit.nl())
    node[key] = item
    out = doc.as_string()
    if isinstance(item, Table) and out.endswith("\n\n") and not text.endswith("\n\n"):
        out = out[:-1]
    return out


def _trim_end(out: str, text: str) -> str:
    """tomlkit leaves the blank line that separated a deleted last section; drop what the original
    did not have at its end."""
    had = len(text) - len(text.rstrip("\n"))
    has = len(out) - len(out.rstrip("\n"))
    if has > max(had, 1):
        return out[: len(out) - has + max(had, 1)]
    return out
