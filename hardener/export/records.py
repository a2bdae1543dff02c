"""The export record: what a SIEM receives for each sealed ledger record (L2 service).

``{"schema": "hardener.ledger.export", "schema_version": 1, "log_id", "seq", "ts" (RFC 3339 UTC),
"kind", "epoch", "hash", "prev", "body"}``. ``hash`` is the SHA-256 of the sealed line and ``prev``
the hash of the line before it, so a collector can check the chain and, with the first public key,
every checkpoint signature without holding any secret. Schema: ``schemas/log-export-record.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any

from hardener.ledger.chain.record import CHECKPOINT, EPOCH_CLOSE, Record, line_hash

SCHEMA = "hardener.ledger.export"
SCHEMA_VERSION = 1
ALWAYS = frozenset({CHECKPOINT, EPOCH_CLOSE, "prune", "recovery"})


def export_record(record: Record) -> dict[str, Any]:
    try:
        body: object = record.body_json()
    except ValueError:
        body = {"unparsable": True}
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "log_id": record.log_id,
        "seq": record.seq,
        "ts": record.ts,
        "kind": record.kind,
        "epoch": record.epoch,
        "hash": line_hash(record.line),
        "prev": record.prev,
        "body": body,
    }


def export_line(record: Record) -> bytes:
    return (
        json.dumps(export_record(record), separators=(",", ":"), ensure_ascii=False).encode()
        + b"\n"
    )


def wanted(record: Record, include: list[str] | None) -> bool:
    """A target's ``include`` list of kinds; checkpoints and the like are always exported."""
    return not include or record.kind in include or record.kind in ALWAYS
