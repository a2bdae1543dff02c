"""Building sealed record lines: plain records and signed checkpoints (L1 pure core).

The sealer supplies the clock (``ts``), the position in the chain and the keys; these functions
return the exact bytes to append.
"""

from __future__ import annotations

from hardener.ledger.chain.keys import (
    SignedFields,
    compute_mac,
    evolve_sign,
    public_hex,
    sign,
    signing_key,
)
from hardener.ledger.chain.record import EPOCH_CLOSE, SIGNED_KINDS, dumps, finish, header


def make_line(
    *, seq: int, ts: str, log_id: str, epoch: int, kind: str, prev: str, body: bytes, key: bytes
) -> bytes:
    """One sealed line: the header, the body, then the MAC over exactly those bytes."""
    head = header(seq=seq, ts=ts, log_id=log_id, epoch=epoch, kind=kind, prev=prev, body=body)
    return finish(head, compute_mac(key, head))


def signed_body(
    *,
    seq: int,
    ts: str,
    log_id: str,
    epoch: int,
    kind: str,
    prev: str,
    records: int,
    sign_seed: bytes,
    through: int | None = None,
    next_start: float | None = None,
    extra: dict[str, object] | None = None,
) -> bytes:
    """The body of a checkpoint / epoch_close signed with the key derived from ``sign_seed``."""
    if kind not in SIGNED_KINDS:
        raise ValueError(f"{kind} is not a signed record kind")
    if (kind == EPOCH_CLOSE) != (through is not None and next_start is not None):
        raise ValueError("an epoch_close (and only it) carries through and next_start")
    private = signing_key(sign_seed)
    fields = SignedFields(
        log_id=log_id,
        seq=seq,
        ts=ts,
        epoch=epoch,
        kind=kind,
        head=prev,
        records=records,
        key=public_hex(private),
        next_key=public_hex(signing_key(evolve_sign(sign_seed))),
        through=through,
        next_start=next_start,
    )
    body: dict[str, object] = {
        "head": prev,
        "records": records,
        "key": fields.key,
        "next_key": fields.next_key,
    }
    if through is not None:
        body.update(epoch=epoch, through=through, next_start=next_start)
    if extra:
        body.update(extra)
    body["sig"] = sign(private, fields)
    return dumps(body).encode()
