"""Reading sealed records for people and shippers: iterate, filter, follow (L2 service).

:class:`RecordReader` is the one reader of sealed records (``log show/tail/export``, the export
targets, the daemon's detector feed, ``hardener alerts``). Readers never verify (that is
``log verify``'s job) and never write. Lines that are not
well-formed records are skipped here; ``verify`` names them. :class:`RecordReader` follows the
ledger as it grows, across rotations (it drains the renamed segment through its open handle, then
moves to the next one) and prunes, so ``log tail --follow`` and the export targets never miss or
repeat a record.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from hardener.errors import UsageError
from hardener.ledger.chain.record import Record, parse
from hardener.ledger.store import ACTIVE, first_line, list_segments
from hardener.timestamps import parse_timestamp

_DURATION = re.compile(r"(\d+)\s*([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_time(text: str, now: float) -> float:
    """An RFC 3339 time (``Z`` or an offset) or a duration back from now (``90s``, ``2h``, ``7d``)."""
    match = _DURATION.fullmatch(text.strip())
    if match:
        return now - int(match.group(1)) * _UNITS[match.group(2)]
    try:
        return parse_timestamp(text)
    except ValueError as exc:
        raise UsageError(
            f"cannot read the time {text!r}",
            remedy="Use RFC 3339 (2026-01-31T12:00:00Z) or a duration such as 30m, 2h, 7d.",
        ) from exc


def record_time(record: Record) -> float:
    return parse_timestamp(record.ts)


@dataclass(frozen=True)
class View:
    """A record as people and filters see it."""

    record: Record
    body: dict[str, Any]

    @property
    def event(self) -> dict[str, Any]:
        event = self.body.get("event")
        return event if isinstance(event, dict) else {}

    @property
    def client(self) -> str | None:
        value = self.event.get("client")
        return value if isinstance(value, str) else None

    @property
    def server(self) -> str | None:
        value = self.event.get("server")
        return value if isinstance(value, str) else None

    @property
    def tool(self) -> str | None:
        inner = self.event.get("body")
        value = inner.get("tool") if isinstance(inner, dict) else None
        return value if isinstance(value, str) else None

    def to_dict(self) -> dict[str, object]:
        r = self.record
        return {
            "seq": r.seq,
            "ts": r.ts,
            "kind": r.kind,
            "epoch": r.epoch,
            "client": self.client,
            "server": self.server,
            "tool": self.tool,
            "session": self.event.get("session"),
            "n": self.event.get("n"),
            "body": self.body,
        }

    def summary(self) -> str:
        inner = self.event.get("body")
        if self.tool:
            status = inner.get("status") if isinstance(inner, dict) else None
            return f"{self.tool}" + (f" -> {status}" if status else "")
        if self.record.kind in ("checkpoint", "epoch_close"):
            return f"head {str(self.body.get('head', ''))[:16]}…"
        if isinstance(inner, dict):
            for key in ("summary", "reason", "problem", "file", "detail"):
                if isinstance(inner.get(key), str):
                    return str(inner[key])[:80]
        return ""


def view(record: Record) -> View | None:
    try:
        return View(record, record.body_json())
    except ValueError:
        return None


@dataclass
class Filters:
    since: float | None = None
    until: float | None = None
    kinds: list[str] = field(default_factory=list)
    clients: list[str] = field(default_factory=list)
    servers: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)

    def match(self, item: View) -> bool:
        if self.kinds and item.record.kind not in self.kinds:
            return False
        if self.clients and item.client not in self.clients:
            return False
        if self.servers and item.server not in self.servers:
            return False
        if self.tools and item.tool not in self.tools:
            return False
        if self.since is not None or self.until is not None:
            moment = record_time(item.record)
            if self.since is not None and moment < self.since:
                return False
            if self.until is not None and moment > self.until:
                return False
        return True


def iter_records(ledger_dir: Path, *, from_seq: int = 0) -> Iterator[Record]:
    """Every well-formed record with ``seq >= from_seq`` present now, in order (a
    :class:`RecordReader` read to the current end)."""
    reader = RecordReader(ledger_dir, from_seq)
    try:
        while batch := reader.read():
            yield from batch
    finally:
        reader.close()


class RecordReader:
    """Follows the ledger from ``next_seq`` on: each :meth:`read` returns the records added since."""

    def __init__(self, ledger_dir: Path, next_seq: int = 0) -> None:
        self.dir = ledger_dir
        self.next_seq = next_seq
        self._handle: IO[bytes] | None = None
        self._partial = b""

    def _open_next(self) -> bool:
        """Open the segment holding ``next_seq`` (or the first one after it, if pruned)."""
        best: Path | None = None
        for segment in list_segments(self.dir):
            first = segment.first_seq
            if first is None:
                head = parse(first_line(segment.path) or b"")
                first = head.seq if head else None
            if first is None:
                continue
            if first <= self.next_seq or best is None:
                best = segment.path
            if first > self.next_seq:
                break
        if best is None:
            return False
        try:
            self._handle = open(best, "rb")  # noqa: SIM115 - kept open across reads
        except FileNotFoundError:
            return False
        self._partial = b""
        return True

    def _rotated(self) -> bool:
        assert self._handle is not None
        try:
            active = os.stat(self.dir / ACTIVE)
        except FileNotFoundError:
            return False
        return active.st_ino != os.fstat(self._handle.fileno()).st_ino

    def read(self, limit: int = 10_000) -> list[Record]:
        out: list[Record] = []
        for _ in range(64):  # segment changes per call (catching up over many archives)
            if self._handle is None and not self._open_next():
                return out
            assert self._handle is not None
            data = self._partial + self._handle.read()
            cut = data.rfind(b"\n") + 1
            self._partial = data[cut:]
            for line in data[:cut].split(b"\n")[:-1]:
                record = parse(line + b"\n")
                if record is not None and record.seq >= self.next_seq:
                    out.append(record)
                    self.next_seq = record.seq + 1
            if len(out) >= limit or not self._rotated():
                return out
            self._handle.close()
            self._handle = None
        return out

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
