"""YAML codec over ruamel.yaml's round-trip mode (L1 pure core).

Goose's ``extensions:`` map and Continue's ``mcpServers:`` list are edited through ruamel's
comment-keeping document model, dumped with the mapping/sequence indentation detected from the file
(Goose writes ``args:\\n- -y``, Continue ``args:\\n  - "-y"``). ruamel normalises a few things even in
lines nobody touched (``key: null`` becomes ``key:``), so the edit is carried back onto the original
text line by line (:mod:`hardener.formats.merge3`) and the result is re-parsed to check it means
exactly the edited document; only if that check fails is ruamel's full rendering used. A new value
keeps the style of the one it replaces: quoting of list items, flow or block style. An empty file
is an empty document (``None``); ``set`` on it creates a mapping.
"""

from __future__ import annotations

import functools
import io
import itertools
import logging
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    PlainScalarString,
    ScalarString,
    SingleQuotedScalarString,
)

from hardener.formats import newlines
from hardener.formats.interface import MISSING, Codec, Path, PathConflictError, SyntaxErrorAt
from hardener.formats.merge3 import carry_edit
from hardener.formats.values import find_run, same

log = logging.getLogger(__name__)

_KEY_LINE = re.compile(
    r"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>[^\s#-][^#]*?|-[^\s#][^#]*?):[ ]*(?:#.*)?$"
)
_ITEM_LINE = re.compile(r"^(?P<dash>[ ]*)-(?P<gap>[ ]+)\S")


def detect_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as ruamel's ``YAML.indent`` takes them, read from block
    collections in ``text``; ruamel's defaults (2, 2, 0) when the file has none."""
    maps: Counter[int] = Counter()
    seqs: Counter[tuple[int, int]] = Counter()
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for line, nxt in itertools.pairwise(lines):
        m = _KEY_LINE.match(line)
        if not m:
            continue
        parent = len(m.group("lead"))
        item = _ITEM_LINE.match(nxt)
        if item:
            dash = len(item.group("dash"))
            if dash >= parent:
                seqs[(dash - parent + 1 + len(item.group("gap")), dash - parent)] += 1
            continue
        child = len(nxt) - len(nxt.lstrip(" "))
        if child > parent:
            maps[child - parent] += 1
    mapping = maps.most_common(1)[0][0] if maps else 2
    sequence, offset = seqs.most_common(1)[0][0] if seqs else (2, 0)
    return mapping, max(sequence, offset + 2), offset


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 30  # never fold long lines
    mapping, sequence, offset = detect_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    # Write null as ``null`` (as Goose does), not as an empty value.
    yaml.representer.add_representer(type(None), _represent_null)
    if text.lstrip().startswith("---"):
        yaml.explicit_start = True
    return yaml


def _represent_null(representer: Any, _data: None) -> object:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def load(text: str) -> object:
    """The round-trip document; errors become :class:`SyntaxErrorAt` (ruamel's marks are 0-based)."""
    try:
        return _yaml(text).load(text.removeprefix(newlines.BOM))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise SyntaxErrorAt(line, column, problem) from None
    except YAMLError as exc:
        raise SyntaxErrorAt(1, 1, str(exc) or "invalid YAML") from None


def _dump(yaml: YAML, doc: object) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def plain(node: object) -> object:
    """Plain Python values out of ruamel's round-trip types."""
    if isinstance(node, dict):
        return {plain(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, ScalarBoolean):
        return bool(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def _child(node: object, key: str | int) -> object:
    if isinstance(key, str):
        return node[key] if isinstance(node, dict) and key in node else MISSING
    if isinstance(node, list) and not isinstance(key, bool) and 0 <= key < len(node):
        return node[key]
    return MISSING


class YamlCodec(Codec):
    """YAML (Goose ``config.yaml``, Continue ``config.yaml``)."""

    name = "yaml"

    def parse(self, text: str) -> object:
        return plain(load(text))

    def get(self, text: str, path: Path) -> Any:
        node = load(text)
        for key in path:
            node = _child(node, key)
            if node is MISSING:
                return MISSING
        return plain(node)

    def set(self, text: str, path: Path, value: object) -> str:
        if not path:
            raise PathConflictError("cannot replace the whole YAML document")
        doc = load(text)
        if doc is None:
            doc = CommentedMap()
        old = doc
        for key in path:
            old = _child(old, key)
            if old is MISSING:
                break
        if old is not MISSING and same(plain(old), value):
            return text
        return self._edit(text, doc, lambda d: _assign(d, path, value))

    def delete(self, text: str, path: Path) -> str:
        if not path:
            raise PathConflictError("cannot delete the whole YAML document")
        doc = load(text)
        parent = doc
        for key in path[:-1]:
            parent = _child(parent, key)
            if parent is MISSING:
                return text
        if _child(parent, path[-1]) is MISSING:
            return text
        return self._edit(text, doc, lambda d: _remove(d, path))

    def _edit(self, text: str, doc: object, change: Callable[[object], None]) -> str:
        body, layout = newlines.split(text)
        yaml = _yaml(body)
        base = _dump(yaml, doc) if body.strip() else ""
        change(doc)
        edited = _dump(yaml, doc)
        carried = carry_edit(body, base, edited)
        try:
            if plain(load(carried)) == plain(doc):
                return newlines.join(carried, layout)
        except SyntaxErrorAt:
            pass
        log.debug("YAML edit could not be carried onto the original lines; using ruamel's output")
        return newlines.join(edited, layout)


def _assign(doc: object, path: Path, value: object) -> None:
    node = doc
    for depth, key in enumerate(path[:-1]):
        child = _child(node, key)
        if child is MISSING:
            for missing in reversed(path[depth + 1 :]):
                if not isinstance(missing, str):
                    raise PathConflictError(f"cannot create list item {missing} in a YAML document")
                value = {missing: value}
            _put(node, key, _styled(value, MISSING))
            return
        node = child
    key = path[-1]
    old = _child(node, key)
    if isinstance(old, CommentedSeq) and isinstance(value, list) and _edit_seq(old, value):
        return
    _put(node, key, _styled(value, old))


def _edit_seq(seq: CommentedSeq, value: list[object]) -> bool:
    """Add or remove items around an unchanged run of the old items, in place, so the comments
    hung on the kept items stay (how args are wrapped and unwrapped). False: not such an edit."""
    old = [plain(item) for item in seq]
    if not old or not value or len(old) == len(value):
        return False
    if len(value) > len(old):
        run = find_run(value, old)
        if run is None:
            return False
        styled = _styled(value, seq)
        for index in range(run):
            seq.insert(index, styled[index])
        for index in range(run + len(old), len(value)):
            seq.append(styled[index])
        return True
    run = find_run(old, value)
    if run is None:
        return False
    for index in reversed(range(run + len(value), len(old))):
        del seq[index]
    for _ in range(run):
        del seq[0]
    return True


def _put(node: object, key: str | int, item: object) -> None:
    if isinstance(key, str):
        if not isinstance(node, dict):
            raise PathConflictError(f"cannot set key {key!r}: its parent is not a mapping")
        old = node.get(key, MISSING)
        node[key] = item
        _keep_trailing_comment(old, item)
        return
    if not isinstance(node, list) or isinstance(key, bool) or not 0 <= key <= len(node):
        raise PathConflictError(f"no list item {key} to set")
    if key == len(node):
        node.append(item)
    else:
        old = node[key]
        node[key] = item
        _keep_trailing_comment(old, item)


def _remove(doc: Any, path: Path) -> None:
    node = doc
    for key in path[:-1]:
        node = _child(node, key)
    del node[path[-1]]


def _keep_trailing_comment(old: object, new: object) -> None:
    """ruamel hangs the comments and blank lines that follow a block collection on its last item;
    move them to the new collection's last item so they stay where they were."""
    if not isinstance(old, CommentedMap | CommentedSeq) or not old:
        return
    if not isinstance(new, CommentedMap | CommentedSeq) or not new:
        return
    old_last: object = list(old.keys())[-1] if isinstance(old, dict) else len(old) - 1
    new_last: object = list(new.keys())[-1] if isinstance(new, dict) else len(new) - 1
    if old_last in old.ca.items:
        new.ca.items[new_last] = old.ca.items[old_last]


@functools.lru_cache(maxsize=256)
def _needs_quotes(value: str) -> bool:
    """Whether YAML must quote ``value`` (``''``, ``true``, ``@x``…): then quotes are no style."""
    yaml = YAML(typ="rt")
    yaml.width = 1 << 30
    out = io.StringIO()
    yaml.dump({"k": value}, out)
    return not out.getvalue().startswith("k: " + value.split("\n", 1)[0]) or value == ""


def _chosen_quotes(item: object) -> type[str] | None:
    """The quoting class of a string the author chose to quote, or None."""
    if isinstance(item, DoubleQuotedScalarString):
        return DoubleQuotedScalarString  # ruamel would have used single quotes if it had to
    if isinstance(item, SingleQuotedScalarString) and not _needs_quotes(str(item)):
        return SingleQuotedScalarString
    return None


def _quote_class(items: list[object]) -> type[str] | None:
    """The quoting class every string item of a list shares (a list style), if any."""
    kinds = {type(item) for item in items if isinstance(item, str)}
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind in (DoubleQuotedScalarString, SingleQuotedScalarString):
            return kind
    return None


def _styled(value: object, old: Any) -> Any:
    """``value`` as ruamel round-trip objects that look like ``old`` (or MISSING)."""
    if isinstance(value, str):
        if isinstance(old, ScalarString) and str(old) == value:
            return old
        quote = _chosen_quotes(old)
        # PlainScalarString: plain unless YAML needs quotes (a bare str would inherit old quotes).
        return quote(value) if quote is not None else PlainScalarString(value)
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = _styled(item, _child(old, key) if isinstance(old, dict) else MISSING)
        if isinstance(old, CommentedMap) and old.fa.flow_style():
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list | tuple):
        olds = list(old) if isinstance(old, list) else []
        quote = _quote_class(olds)
        seq = CommentedSeq()
        for item in value:
            match = next((o for o in olds if isinstance(o, str) and o == item), None)
            if match is not None:
                seq.append(match)
            elif isinstance(item, str) and quote is not None:
                seq.append(quote(item))
            else:
                seq.append(_styled(item, MISSING))
        if isinstance(old, CommentedSeq) and old.fa.flow_style():
            seq.fa.set_flow_style()
        return seq
    return value
