"""Reading sealed records back, in order, from a sequence number on (L2 service).

The detectors see what the ledger holds, after sealing, as ``{"seq", "ts", "kind", "body"}``
with ``body`` the sealed event envelope (the ledger wraps each event with where it came from:
``{"spool": …, "event": {…}}`` or ``{"origin": "daemon", "event": {…}}``). The feed keeps one
:class:`~hardener.ledger.query.RecordReader` open, so each call reads only new lines; after a
restart, a rotation or a caller that stopped early it finds its place again from the seq.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from hardener.ledger.query import RecordReader
from hardener.paths import HardenerPaths

log = logging.getLogger(__name__)


class LedgerFeed:
    """The detectors' view of the ledger, over the one reader (``ledger.query.RecordReader``)."""

    def __init__(self, paths: HardenerPaths) -> None:
        self._dir = paths.ledger_dir
        self._reader: RecordReader | None = None

    def __call__(self, after: int) -> Iterator[dict[str, Any]]:
        """Records with ``seq > after``, as the detectors observe them."""
        if self._reader is None or self._reader.next_seq != after + 1:
            if self._reader is not None:
                self._reader.close()
            self._reader = RecordReader(self._dir, after + 1)
        while batch := self._reader.read():
            for record in batch:
                yield _as_observed(record.seq, record.ts, record.kind, record.body)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def _as_observed(seq: int, ts: str, kind: str, raw: bytes) -> dict[str, object]:
    try:
        body = json.loads(raw)
    except ValueError:
        body = {}
    event = body.get("event") if isinstance(body, dict) else None
    return {"seq": seq, "ts": ts, "kind": kind, "body": event if isinstance(event, dict) else body}
