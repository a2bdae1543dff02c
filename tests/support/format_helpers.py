"""Test helpers for the codecs: fixture loading, a minimal wrap/restore, and span checks."""

from __future__ import annotations

import copy
import difflib
import os
from pathlib import Path as FsPath
from typing import Any

from hardener.formats.interface import Codec, Path
from hardener.formats.json_tree import find, parse_tree
from hardener.formats.registry import codec_for

FIXTURES = FsPath(__file__).resolve().parents[1] / "fixtures" / "formats"
GOLDEN = FIXTURES / "golden"
SHIM = "/opt/hardener/bin/hardener-shim"


def read(name: str) -> str:
    """A fixture's exact text (no newline translation)."""
    with open(FIXTURES / name, encoding="utf-8", newline="") as handle:
        return handle.read()


def codec_of(name: str) -> Codec:
    return codec_for(name.rsplit(".", 1)[1])


def stdio_servers(codec: Codec, text: str, table: Path) -> list[Path]:
    """Paths of the entries under ``table`` that launch a command (``command`` or Goose's ``cmd``)."""
    servers = codec.get(text, table)
    keys = range(len(servers)) if isinstance(servers, list) else servers.keys()
    return [
        (*table, key)
        for key in keys
        if isinstance(servers[key], dict) and ("command" in servers[key] or "cmd" in servers[key])
    ]


def command_key(entry: dict[str, Any]) -> str:
    return "cmd" if "cmd" in entry and "command" not in entry else "command"


def wrap(codec: Codec, text: str, entry_path: Path) -> str:
    """Wrap one entry the ARCHITECTURE 3.2 way (args first, then command)."""
    entry = codec.get(text, entry_path)
    key = command_key(entry)
    name = entry.get("name", entry_path[-1])
    args = ["--client", "test", "--server", str(name), "--", entry[key], *entry.get("args", [])]
    text = codec.set(text, (*entry_path, "args"), args)
    return codec.set(text, (*entry_path, key), SHIM)


def unwrap(codec: Codec, text: str, entry_path: Path, had_args: bool) -> str:
    """Inverse of :func:`wrap`."""
    entry = codec.get(text, entry_path)
    key = command_key(entry)
    args = entry["args"]
    original = args[args.index("--") + 1 :]
    text = codec.set(text, (*entry_path, key), original[0])
    if had_args:
        return codec.set(text, (*entry_path, "args"), original[1:])
    return codec.delete(text, (*entry_path, "args"))


def replaced(value: Any, path: Path, new: Any) -> Any:
    """A deep copy of ``value`` with ``path`` set to ``new`` (missing dict keys are created)."""
    out = copy.deepcopy(value)
    node = out
    for key in path[:-1]:
        if isinstance(node, dict) and key not in node:
            node[key] = {}
        node = node[key]
    if isinstance(node, list) and path[-1] == len(node):
        node.append(copy.deepcopy(new))
    else:
        node[path[-1]] = copy.deepcopy(new)
    return out


def removed(value: Any, path: Path) -> Any:
    out = copy.deepcopy(value)
    node = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


def json_span(text: str, path: Path, strict: bool = False) -> tuple[int, int]:
    """The ``[start, end)`` span of the value at ``path`` in a JSON/JSONC text."""
    node = parse_tree(text, strict)
    for key in path:
        entry = find(node, key)
        assert entry is not None, path
        node = entry.node
    return node.start, node.end


def assert_outside_unchanged(before: str, after: str, start: int, end: int) -> None:
    """Every byte before ``start`` and after ``end`` of ``before`` is still there in ``after``."""
    assert after[:start] == before[:start]
    tail = len(before) - end
    assert after[len(after) - tail :] == before[end:]


def regenerate_golden() -> bool:
    return os.environ.get("HARDENER_REGEN_GOLDEN") == "1"


def changed_lines(before: str, after: str) -> list[str]:
    """Lines of ``before`` that are not kept byte-identical in ``after``."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    out = []
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            out.extend(a[i1:i2])
    return out
