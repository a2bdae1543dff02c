"""Reading spool files for sealing: complete lines in order, malformed lines, dead writers (L2).

Each spool file ``<state>/spool/<session>.jsonl`` is read from the offset the ledger says was
sealed last (recorded in every sealed record as ``{"spool":{"file","offset","length"}}``), so
ingestion is idempotent across crashes. A complete line that is not a valid event becomes a
``protocol.anomaly`` record carrying the SHA-256 and size of its raw bytes; nothing is dropped.
A torn last line (no newline yet) of a live writer waits.

**Dead writers.** A session normally ends with ``session.end``. A file without it belongs to a live
shim or to one that was killed. The writer is taken for dead when the file has not changed for
``dead_after`` seconds (default 30) *and* the pid named in its ``session.start`` is gone (``psutil``;
a pid that now belongs to a process started after the session began counts as gone). A file with
no ``session.start`` (a CLI run's events) is taken for finished when it has not changed for
``orphan_after`` seconds (default 300). For a dead writer the sealer seals any torn remainder as a
``protocol.anomaly`` and a synthetic ``session.end`` (reason ``error``, ``detail: writer_gone``),
after which the file can be removed like any ended session.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from hardener.events import KINDS
from hardener.timestamps import timestamp_or_none, utc_timestamp

log = logging.getLogger(__name__)

SPOOL_NAME = re.compile(r"[A-Za-z0-9._-]{1,200}\.jsonl")
READ_LIMIT = 4 << 20
#: Kinds after which a spool file gets no more lines: a session's end, and ``hardener-hook``'s
#: one-event files (a hook run is over once its line is written).
ENDS_FILE = frozenset({"session.end", "hook.call", "hook.result"})


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constants)


def parse_event(raw: bytes) -> dict[str, Any] | str:
    """The event of one spool line, or a short reason why it is not one."""
    try:
        event = _DECODER.decode(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return f"not JSON ({type(exc).__name__})"
    if not isinstance(event, dict):
        return "not a JSON object"
    if event.get("v") != 1:
        return "unknown envelope version"
    if event.get("kind") not in KINDS:
        return "unknown event kind"
    n = event.get("n")
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        return "missing event number"
    for name in ("session", "client", "server", "ts"):
        if not isinstance(event.get(name), str):
            return f"missing '{name}'"
    if not isinstance(event.get("body"), dict):
        return "body is not an object"
    return event


def event_body(
    name: str, offset: int, length: int, raw: bytes, event: Mapping[str, object]
) -> bytes:
    """A sealed event's body: where it came from, then the event's own bytes."""
    ref = b'{"spool":{"file":"%s","offset":%d,"length":%d},"event":' % (
        name.encode(),
        offset,
        length,
    )
    if not (raw.startswith(b"{") and raw.endswith(b"}")):
        raw = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
    return ref + raw + b"}"


def sealer_body(
    name: str, offset: int, length: int, event: Mapping[str, object], origin: str = "sealer"
) -> bytes:
    ref = {"file": name, "offset": offset, "length": length}
    return json.dumps(
        {"spool": ref, "origin": origin, "event": event}, separators=(",", ":"), ensure_ascii=False
    ).encode()


@dataclass
class Cursor:
    """How far one spool file has been sealed, and what its session told us."""

    name: str
    offset: int
    ended: bool
    pid: int | None = None
    started: float | None = None
    client: str = ""
    server: str = ""
    next_n: int = 0
    loaded: bool = False
    last_seq: int = -1  # the ledger seq of the last record sealed from this file

    def learn(self, event: dict[str, Any]) -> None:
        self.client = str(event.get("client", self.client))
        self.server = str(event.get("server", self.server))
        self.next_n = max(self.next_n, int(event.get("n", -1)) + 1)
        if event.get("kind") == "session.start":
            pid = event.get("body", {}).get("pid")
            if isinstance(pid, int) and not isinstance(pid, bool):
                self.pid = pid
            self.started = timestamp_or_none(event.get("ts"))
        if event.get("kind") in ENDS_FILE:
            self.ended = True

    def synthetic(self, kind: str, body: dict[str, object], now: float) -> dict[str, object]:
        """An event the sealer writes on the session's behalf (anomaly, lost writer)."""
        event = {
            "v": 1,
            "kind": kind,
            "ts": utc_timestamp(datetime.fromtimestamp(now, UTC)),
            "session": self.name.removesuffix(".jsonl"),
            "n": self.next_n,
            "client": self.client,
            "server": self.server,
            "body": body,
        }
        self.next_n += 1
        return event


def anomaly_event(cursor: Cursor, raw: bytes, problem: str, now: float) -> dict[str, Any]:
    return cursor.synthetic(
        "protocol.anomaly",
        {
            "direction": "spool",
            "problem": f"malformed spool line: {problem}",
            "size_bytes": len(raw),
            "sha256": hashlib.sha256(raw).hexdigest(),
        },
        now,
    )


def process_alive(pid: int, started: float | None) -> bool:
    """Is ``pid`` still the process that started the session?"""
    try:
        process = psutil.Process(pid)
        if started is not None and process.create_time() > started + 1.0:
            return False  # the pid was reused by a newer process
        return process.status() != psutil.STATUS_ZOMBIE
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return False


@dataclass
class SpoolFile:
    path: Path
    size: int
    mtime: float


def list_spool(spool_dir: Path) -> list[SpoolFile]:
    """Regular ``*.jsonl`` files (never symlinks), oldest change first."""
    found: list[SpoolFile] = []
    try:
        entries = list(os.scandir(spool_dir))
    except FileNotFoundError:
        return []
    for entry in entries:
        if not SPOOL_NAME.fullmatch(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        if stat.S_ISREG(st.st_mode):
            found.append(SpoolFile(Path(entry.path), st.st_size, st.st_mtime))
    found.sort(key=lambda f: (f.mtime, f.path.name))
    return found


def read_from(path: Path, offset: int, limit: int = READ_LIMIT) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read(limit)


def load_cursor(path: Path, cursor: Cursor) -> None:
    """Learn pid/client/server from the file's first line (after a restart mid-file)."""
    cursor.loaded = True
    try:
        with open(path, "rb") as handle:
            first = handle.readline(1 << 20)
    except OSError:
        return
    if first.endswith(b"\n"):
        event = parse_event(first)
        if isinstance(event, dict):
            n = cursor.next_n
            cursor.learn(event)
            cursor.next_n = max(n, cursor.next_n)


def writer_gone(
    cursor: Cursor,
    spool_file: SpoolFile,
    now: float,
    *,
    dead_after: float,
    orphan_after: float,
    alive: Callable[[int, float | None], bool] = process_alive,
) -> bool:
    idle = now - spool_file.mtime
    if cursor.pid is None:
        return idle > orphan_after
    return idle > dead_after and not alive(cursor.pid, cursor.started)
