"""Where the sealer stands, rebuilt from the ledger itself after any stop or crash (L2 service).

The ledger is the only source of truth for the sealer's position: sequence, previous hash, epoch
and its start, records since the last signed record, the key that must sign next, and how far each
spool file has been sealed. :func:`scan_segment` reads one segment (the active one, normally) from
its ``file_open`` record, which carries everything the earlier segments established, so a restart
reads at most one segment (``ledger.segment_bytes``, 16 MiB by default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardener.errors import HardenerError
from hardener.ledger.chain.findings import Anchor
from hardener.ledger.chain.record import (
    EPOCH_CLOSE,
    FILE_OPEN,
    SIGNED_KINDS,
    line_hash,
    parse,
)
from hardener.ledger.store import iter_lines
from hardener.timestamps import parse_timestamp

SPOOL_REF = re.compile(rb'\{"spool":\{"file":"([A-Za-z0-9._-]+)","offset":(\d+),"length":(\d+)\}')


class LedgerStateError(HardenerError):
    default_remedy = (
        "Nothing was sealed and the spool was left untouched. Run 'hardener log verify' to see "
        "what is wrong with the ledger."
    )


@dataclass
class SealPosition:
    log_id: str
    next_seq: int
    prev: str
    epoch: int  # the epoch of the next record
    epoch_start: float
    since_signed: int
    last_signed_at: float
    signer: str  # the public key that must sign the next signed record
    last_signed: Anchor | None
    segment_first_seq: int
    last_kind: str
    #: spool file name -> [next offset to read, session ended]
    spool: dict[str, list[Any]] = field(default_factory=dict)


def _body(line: bytes, kind: str, seq: int) -> dict[str, Any]:
    record = parse(line)
    if record is None:
        raise LedgerStateError(f"ledger record seq {seq} ({kind}) is not well formed")
    try:
        return record.body_json()
    except ValueError as exc:
        raise LedgerStateError(f"the body of ledger record seq {seq} is not JSON") from exc


def scan_segment(path: Path) -> SealPosition:
    """Rebuild the seal position from one segment that starts with a ``file_open`` record."""
    tail: SealPosition | None = None
    for number, _offset, line in iter_lines(path):
        if not line.endswith(b"\n"):
            break  # a torn last line: the opener cuts it once every check has passed
        record = parse(line)
        if record is None:
            raise LedgerStateError(f"{path.name} line {number} is not a ledger record")
        if tail is None:
            if record.kind != FILE_OPEN:
                raise LedgerStateError(f"{path.name} does not start with a file_open record")
            body = record.body_json()
            at = parse_timestamp(record.ts)
            tail = SealPosition(
                log_id=record.log_id,
                next_seq=record.seq,
                prev=record.prev,
                epoch=record.epoch,
                epoch_start=float(body.get("epoch_start", at)),
                since_signed=int(body.get("since_signed", 0)),
                last_signed_at=at,
                signer=str(body["signer"]),
                last_signed=None,
                segment_first_seq=record.seq,
                last_kind=FILE_OPEN,
                spool={str(k): list(v) for k, v in dict(body.get("spool", {})).items()},
            )
        elif record.seq != tail.next_seq or record.prev != tail.prev:
            raise LedgerStateError(
                f"{path.name} line {number}: seq {record.seq} does not follow seq "
                f"{tail.next_seq - 1}"
            )
        this_hash = line_hash(line)
        kind = record.kind
        if kind in SIGNED_KINDS:
            body = _body(line, kind, record.seq)
            tail.signer = str(body["next_key"])
            tail.since_signed = 0
            tail.last_signed = Anchor(record.seq, this_hash)
            tail.last_signed_at = parse_timestamp(record.ts)
            if kind == EPOCH_CLOSE:
                tail.epoch = int(body["through"]) + 1
                tail.epoch_start = float(body["next_start"])
        else:
            tail.since_signed += 1  # file_open's own count starts from its since_signed
            ref = SPOOL_REF.match(record.body)
            if ref is not None:
                name = ref.group(1).decode()
                entry = tail.spool.setdefault(name, [0, False])
                entry[0] = max(int(entry[0]), int(ref.group(2)) + int(ref.group(3)))
                if kind == "session.end":
                    entry[1] = True
        tail.next_seq = record.seq + 1
        tail.prev = this_hash
        tail.last_kind = kind
    if tail is None:
        raise LedgerStateError(f"{path.name} is empty")
    return tail


def spool_map_json(spool: dict[str, list[Any]]) -> dict[str, list[object]]:
    """A copy fit for a file_open body (sorted for stable bytes)."""
    return {name: [int(v[0]), bool(v[1])] for name, v in sorted(spool.items())}
