"""New TOML values in the style of the values they replace (L1 pure core).

:func:`styled` turns a plain value into a tomlkit item that looks like the item it replaces: a
literal ``'string'`` stays literal, an unchanged string keeps its exact text, an inline table stays
inline with the same padding, and an array keeps its layout (one line, or one item per line at the
same indentation with or without a trailing comma). Items added in front of, or removed from the
front of, an array with comments are spliced into its text so the comments stay. Arrays and inline
tables are rendered as text and parsed back, because tomlkit's own in-place array edits lose
spacing. TOML has no null: writing ``None`` is refused.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import tomlkit
from tomlkit.items import Array, InlineTable, Item, String, StringType

from hardener.formats.interface import MISSING, PathConflictError
from hardener.formats.values import find_run, same

_BLANKS = re.compile(r"[ \t\n]*")
_TRIVIA = re.compile(r"(?:[ \t\n]+|#[^\n]*)*")


def child(node: object, key: str | int) -> object:
    """The child item at ``key``, or MISSING."""
    if isinstance(key, str):
        if isinstance(node, dict) and key in node:
            return node[key]
        return MISSING
    if isinstance(node, list) and not isinstance(key, bool) and 0 <= key < len(node):
        return node[key]
    return MISSING


def plain(item: object) -> object:
    return item.unwrap() if hasattr(item, "unwrap") else item


def styled(value: object, old: object, inline: bool = False) -> Item:
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
                table[key] = styled(item, child(old, key))
            return table
        pad = "" if isinstance(old, InlineTable) and not old.as_string().startswith("{ ") else " "
        parts = [
            f"{tomlkit.key(key).as_string()} = {styled(item, child(old, key), True).as_string()}"
            for key, item in value.items()
        ]
        return _parse_value("{" + pad + ", ".join(parts) + pad + "}" if parts else "{}")
    if isinstance(value, list | tuple):
        return _array(list(value), old if isinstance(old, Array) else None)
    if not isinstance(value, bool | int | float):
        raise PathConflictError(f"cannot write a {type(value).__name__} into TOML")
    result: Item = tomlkit.item(value)
    return result


def _parse_value(text: str) -> Item:
    parsed: Item = tomlkit.parse(f"x = {text}\n")["x"]
    return parsed


def _string(value: str, old: object) -> Item:
    """A TOML string in the style of ``old`` when that style can hold ``value``."""
    kind = old.type if isinstance(old, String) else StringType.SLB
    if kind in (StringType.MLB, StringType.MLL):
        kind = StringType.SLB
    if kind is StringType.SLL and (
        "'" in value or any(ord(c) < 0x20 or c == "\x7f" for c in value)
    ):
        kind = StringType.SLB
    return String.from_raw(value, kind)


def _array(value: list[Any], old: Array | None) -> Item:
    olds = list(old) if old is not None else []
    literal = bool(olds) and all(isinstance(o, String) and o.type is StringType.SLL for o in olds)
    texts = []
    for item in value:
        match = next((o for o in olds if isinstance(o, String) and same(str(o), item)), None)
        template = match if match is not None else (olds[0] if literal else MISSING)
        texts.append(styled(item, template, inline=True).as_string())
    old_text = old.as_string() if old is not None else None
    spliced = _splice(old_text, olds, value, texts) if old_text and "#" in old_text else None
    if spliced is not None:
        try:
            parsed = _parse_value(spliced)
            if same(plain(parsed), value):
                return parsed
        except tomlkit.exceptions.TOMLKitError:
            pass
    return _parse_value(_render(texts, old_text))


def _render(texts: list[str], old_text: str | None) -> str:
    """An array of item texts laid out like ``old_text`` (inline when there is none)."""
    if not texts:
        return "[]"
    if old_text is None or "\n" not in old_text:
        pad = " " if old_text and old_text.startswith("[ ") and old_text != "[ ]" else ""
        return "[" + pad + ", ".join(texts) + pad + "]"
    lines = old_text.split("\n")
    indent = re.match(r"[ \t]*", lines[1]).group()  # type: ignore[union-attr]
    close = re.match(r"[ \t]*", lines[-1]).group()  # type: ignore[union-attr]
    body = _strip_comments(old_text[:-1]).rstrip()
    trailing = "," if body.endswith(",") else ""
    return "[\n" + ",\n".join(indent + t for t in texts) + trailing + "\n" + close + "]"


def _strip_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text.split("\n"))


def _splice(old_text: str, olds: list[Any], value: list[object], texts: list[str]) -> str | None:
    """Insert items in front of, or remove items from the front of, the array's own text."""
    old_plain = [plain(o) for o in olds]
    first = _TRIVIA.match(old_text, 1).end()  # type: ignore[union-attr]
    if not olds or not value:
        return None
    if len(value) > len(olds) and find_run(value, old_plain) == len(value) - len(olds):
        count = len(value) - len(olds)
        head = old_text[:first]
        gap = "\n" + head.rsplit("\n", 1)[1] if "\n" in head else " "
        return old_text[:first] + "".join(t + "," + gap for t in texts[:count]) + old_text[first:]
    if len(value) < len(olds) and find_run(old_plain, value) == len(olds) - len(value):
        pos = first
        for item in olds[: len(olds) - len(value)]:
            raw = item.as_string()
            if not old_text.startswith(raw, pos):
                return None
            pos = _BLANKS.match(old_text, pos + len(raw)).end()  # type: ignore[union-attr]
            if not old_text.startswith(",", pos):
                return None
            pos = _BLANKS.match(old_text, pos + 1).end()  # type: ignore[union-attr]
        return old_text[:first] + old_text[pos:]
    return None
