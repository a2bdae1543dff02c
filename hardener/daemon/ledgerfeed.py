"""Reading sealed records back, in order, from a sequence number on (L2 service).

The detectors see what the ledger holds, after sealing, as ``{"seq", "ts", "kind", "body"}``
with ``body`` the sealed event envelope (the ledger wraps each event with where it came from:
``{"spool": …, "event": {…}}`` or ``{"origin": "daemon", "event": {…}}``). The feed remembers
where it stopped (segment by its first seq, byte offset), so each call reads only new lines; after
a restart or a rotation it finds its place again from the segment names.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from hardener.ledger.chain.record import parse
from hardener.ledger.store import Segment, first_line, iter_lines, list_segments
from hardener.paths import HardenerPaths

log = logging.getLogger(__name__)


def _first_seq(segment: Segment) -> int | None:
    if segment.first_seq is not None:
        return segment.first_seq
    record = parse(first_line(segment.path) or b"")
    return None if record is None else record.seq


class LedgerFeed:
    def __init__(self, paths: HardenerPaths) -> None:
        self._dir = paths.ledger_dir
        #: (first seq of the segment, byte offset of the next line, last seq read)
        self._position: tuple[int, int, int] | None = None

    def _start(self, segments: list[Segment], after: int) -> tuple[int, int]:
        """Index of the segment to read from, and the offset in it."""
        firsts = [_first_seq(s) for s in segments]
        if self._position is not None and self._position[2] == after:
            first, offset, _ = self._position
            for index, seq in enumerate(firsts):
                if seq == first:
                    return index, offset
        start = 0
        for index, seq in enumerate(firsts):
            if seq is not None and seq <= after + 1:
                start = index
        return start, 0

    def __call__(self, after: int) -> Iterator[dict[str, Any]]:
        segments = list_segments(self._dir)
        if not segments:
            return
        index, offset = self._start(segments, after)
        for segment in segments[index:]:
            first = _first_seq(segment)
            if first is None:
                continue
            for _number, at, line in iter_lines(segment.path, offset):
                if not line.endswith(b"\n"):
                    break  # being written, or torn: read it next time
                record = parse(line)
                if record is None:
                    continue
                self._position = (first, at + len(line), record.seq)
                if record.seq <= after:
                    continue
                yield _as_observed(record.seq, record.ts, record.kind, record.body)
            offset = 0


def _as_observed(seq: int, ts: str, kind: str, raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        body = {}
    event = body.get("event") if isinstance(body, dict) else None
    return {"seq": seq, "ts": ts, "kind": kind, "body": event if isinstance(event, dict) else body}
