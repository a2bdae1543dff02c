"""List the server entries of a parsed config file (L1 pure core).

Expands each :class:`~hardener.clients.spec.Table` of a file against the parsed document (``"*"``
matches every key, as in Claude Code's ``projects.*.mcpServers``) and yields one
:class:`ServerRef` per entry: its name, its path for the codec, its parsed value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hardener.clients.spec import Table
from hardener.formats.interface import Path as DocPath


@dataclass(frozen=True)
class ServerRef:
    table: DocPath
    name: str
    path: DocPath
    value: object


def _tables(document: object, table: Table) -> list[tuple[DocPath, object]]:
    found: list[tuple[DocPath, object]] = [((), document)]
    for part in table.path:
        nxt: list[tuple[DocPath, object]] = []
        for path, value in found:
            if not isinstance(value, dict):
                continue
            if part == "*":
                nxt += [((*path, key), child) for key, child in value.items()]
            elif part in value:
                nxt.append(((*path, part), value[part]))
        found = nxt
    return found


#: keys that make an object a server entry rather than a container of entries
_ENTRY_KEYS = frozenset({"type", "command", "url", "args"})


def _is_container(value: dict[str, Any], key: str) -> bool:
    """The map holds ``key`` as an object of entries (not a server named ``key``)."""
    inner = value.get(key) if key else None
    return isinstance(inner, dict) and not (_ENTRY_KEYS & set(inner))


def table_label(path: DocPath) -> str:
    return ".".join(str(p) for p in path) if path else "(root)"


def servers(document: object, tables: Sequence[Table]) -> tuple[list[ServerRef], list[str]]:
    """Every entry of every table, and problems (a table that is not the expected shape)."""
    refs: list[ServerRef] = []
    problems: list[str] = []
    for table in tables:
        for path, value in _tables(document, table):
            if value is None:
                continue
            if table.form == "map":
                if not isinstance(value, dict):
                    problems.append(f"'{table_label(path)}' is not an object; left as is")
                    continue
                if _is_container(value, table.container_key):
                    continue
                if table.not_an_entry and _ENTRY_KEYS & set(value):
                    continue
                refs += [
                    ServerRef(path, str(name), (*path, name), entry)
                    for name, entry in value.items()
                ]
            else:
                if not isinstance(value, list):
                    problems.append(f"'{table_label(path)}' is not a list; left as is")
                    continue
                for index, entry in enumerate(value):
                    name = entry.get(table.name_key) if isinstance(entry, dict) else None
                    if not isinstance(name, str):
                        uses = entry.get("uses") if isinstance(entry, dict) else None
                        name = uses if isinstance(uses, str) else f"#{index}"
                    refs.append(ServerRef(path, name, (*path, index), entry))
    return refs, problems
