"""Single-record checks: each raises :class:`VerificationError` naming expected vs computed (L1).

In the manner of a Merkle-proof verifier: small functions, values in, an exception with both values
out. The streaming verifier (``verify.py``) calls them in order and adds the location.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any

from hardener.ledger.chain.findings import Reason, VerificationError
from hardener.ledger.chain.keys import SignedFields, compute_mac, signature_valid
from hardener.ledger.chain.record import EPOCH_CLOSE, ZERO_HASH, Record


def check_mac(record: Record, key: bytes) -> None:
    computed = compute_mac(key, record.signed_part)
    if not hmac.compare_digest(computed, record.mac):
        raise VerificationError(
            Reason.MODIFIED,
            f"the MAC of seq {record.seq} does not match its bytes (epoch {record.epoch} key)",
            expected=computed,
            computed=record.mac,
        )


def body_of(record: Record) -> dict[str, Any]:
    try:
        return record.body_json()
    except ValueError as exc:
        raise VerificationError(
            Reason.MODIFIED, f"the body of seq {record.seq} is not a JSON object: {exc}"
        ) from exc


def _field(body: Mapping[str, object], name: str, kind: type, record: Record) -> Any:
    value = body.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise VerificationError(
            Reason.FORGED, f"{record.kind} seq {record.seq} lacks a valid '{name}' field"
        )
    return value


def signed_fields(record: Record, body: dict[str, object]) -> tuple[SignedFields, str]:
    """The fields a checkpoint / epoch_close signature covers, and the signature."""
    through = next_start = None
    if record.kind == EPOCH_CLOSE:
        through = _field(body, "through", int, record)
        start = body.get("next_start")
        if not isinstance(start, int | float) or isinstance(start, bool):
            raise VerificationError(Reason.FORGED, f"epoch_close seq {record.seq} lacks next_start")
        next_start = float(start)
    fields = SignedFields(
        log_id=record.log_id,
        seq=record.seq,
        ts=record.ts,
        epoch=record.epoch,
        kind=record.kind,
        head=_field(body, "head", str, record),
        records=_field(body, "records", int, record),
        key=_field(body, "key", str, record),
        next_key=_field(body, "next_key", str, record),
        through=through,
        next_start=next_start,
    )
    return fields, _field(body, "sig", str, record)


def check_signed(
    record: Record, body: dict[str, object], *, signer: str | None, since_signed: int | None
) -> SignedFields:
    """A checkpoint or epoch_close: head, key chain, record count, epoch range, signature."""
    fields, signature = signed_fields(record, body)
    if fields.head != record.prev:
        raise VerificationError(
            Reason.FORGED,
            f"{record.kind} seq {record.seq} signs a head that is not its prev",
            expected=record.prev,
            computed=fields.head,
        )
    if signer is not None and fields.key != signer:
        raise VerificationError(
            Reason.FORGED,
            f"{record.kind} seq {record.seq} is signed by a key the previous checkpoint did not name",
            expected=signer,
            computed=fields.key,
        )
    if since_signed is not None and fields.records != since_signed:
        raise VerificationError(
            Reason.FORGED,
            f"{record.kind} seq {record.seq} covers a different number of records",
            expected=str(since_signed),
            computed=str(fields.records),
        )
    if fields.through is not None:
        epoch = body.get("epoch")
        if epoch != record.epoch or fields.through < record.epoch:
            raise VerificationError(
                Reason.FORGED,
                f"epoch_close seq {record.seq} closes epochs {epoch}..{fields.through} "
                f"from inside epoch {record.epoch}",
            )
    if not signature_valid(fields, signature):
        raise VerificationError(
            Reason.FORGED,
            f"the Ed25519 signature of {record.kind} seq {record.seq} is not valid for key "
            f"{fields.key[:16]}…",
        )
    return fields


def check_file_open(
    record: Record, body: dict[str, object], *, line: int, signer: str | None, first_key: str | None
) -> str:
    """A segment's first record; the genesis one starts the key chain. Returns its signer."""
    if line != 1:
        raise VerificationError(
            Reason.FORGED, f"file_open seq {record.seq} is not the first line of its segment"
        )
    named = _field(body, "signer", str, record)
    if record.seq == 0:
        if record.prev != ZERO_HASH:
            raise VerificationError(
                Reason.FORGED,
                "the genesis record does not start from the zero hash",
                expected=ZERO_HASH,
                computed=record.prev,
            )
        if first_key is not None and named != first_key:
            raise VerificationError(
                Reason.REPLACED,
                "this ledger was started with another checkpoint key than the one published",
                expected=first_key,
                computed=named,
            )
    elif signer is not None and named != signer:
        raise VerificationError(
            Reason.FORGED,
            f"file_open seq {record.seq} names a different next signer",
            expected=signer,
            computed=named,
        )
    return str(named)


def prune_confirms(body: dict[str, object], provisional: list[object]) -> bool:
    """Does this prune record account for a ledger that now starts at ``provisional``?"""
    return [body.get("resume_seq"), body.get("resume_prev"), body.get("resume_signer")] == list(
        provisional
    )


def loads_object(data: bytes) -> dict[str, object] | None:
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
