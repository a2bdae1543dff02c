"""Telling tampering apart: what the lines after the first anomaly say (L1 pure core).

The verifier stops trusting the ledger at the first anomaly but reads on (headers only) to name
it: a line that fits nowhere but is followed by the expected record was *inserted*; a record out of
its place whose expected seq comes later means *reordered*; a record whose MAC fails but whose
successor is chained to it was *forged* (made without the key); otherwise *modified* or *missing*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hardener.ledger.chain.findings import Anchor, Finding, Reason, VerificationError
from hardener.ledger.chain.record import Record, parse


@dataclass(frozen=True)
class Position:
    segment: str
    line: int  # 1-based
    offset: int  # byte offset of the line's start in the segment


@dataclass
class Pending:
    """The first anomaly, while later lines tell what kind it is."""

    kind: str  # "malformed" | "mac" | "seq"
    seq: int
    position: Position
    line_hash: str
    state_prev: str
    record: Record | None
    error: VerificationError | None
    after: list[tuple[int | None, str | None]] = field(default_factory=list)
    found_at: int | None = None  # index (in lines after) where the expected seq turned up
    boundary: bool = False  # the anomaly is the first line of a segment after a file_close
    got_again: bool = False  # the out-of-place record's seq turns up again later (a copy)
    blame_prev: Position | None = None  # "prev": the previous line, if its MAC was unverifiable
    genuine: bool = False  # "prev": this line's own MAC verified


def look_ahead(pending: Pending, line: bytes) -> None:
    """Note what a line after the anomaly says (headers only)."""
    record = parse(line)
    seq = record.seq if record else None
    if len(pending.after) < 2:
        pending.after.append((seq, record.prev if record else None))
    if pending.found_at is None and seq == pending.seq:
        pending.found_at = len(pending.after) - 1
    if pending.record is not None and seq == pending.record.seq:
        pending.got_again = True


def resolve(pending: Pending, anchor: Anchor | None) -> Finding:
    """Name the first anomaly now that the lines after it are known."""
    seq, pos = pending.seq, pending.position
    nxt = pending.after[0] if pending.after else (None, None)
    fits_next = nxt == (seq, pending.state_prev)

    def made(
        reason: Reason, message: str, expected: str | None = None, computed: str | None = None
    ) -> Finding:
        return Finding(reason, seq, message, pos.segment, pos.line, expected, computed)

    if pending.kind == "malformed":
        if fits_next:
            return made(
                Reason.INSERTED, f"a line that is not a record was inserted before seq {seq}"
            )
        return made(
            Reason.MODIFIED, f"the line where seq {seq} belongs is not a well-formed record"
        )
    if pending.kind == "prev":
        return resolve_prev(pending, nxt, anchor)
    if pending.kind == "mac":
        error = pending.error
        assert error is not None
        if fits_next:
            return made(
                Reason.INSERTED,
                f"an unsealed record was inserted before seq {seq}",
                error.expected,
                error.computed,
            )
        if nxt[1] == pending.line_hash:
            return made(
                Reason.FORGED,
                f"seq {seq} is chained in but its MAC is wrong: made without the key",
                error.expected,
                error.computed,
            )
        return made(Reason.MODIFIED, error.message, error.expected, error.computed)
    record = pending.record
    assert record is not None
    got = record.seq
    if got < seq:
        return made(
            Reason.INSERTED,
            f"a copy of seq {got} was inserted where seq {seq} belongs",
            str(seq),
            str(got),
        )
    if pending.found_at is not None and pending.got_again:
        return made(
            Reason.INSERTED,
            f"a copy of seq {got} was inserted before seq {seq}",
            str(seq),
            str(got),
        )
    if pending.found_at is not None:
        return made(
            Reason.REORDERED,
            f"seq {got} stands where seq {seq} belongs; seq {seq} comes later",
            str(seq),
            str(got),
        )
    if pending.boundary:
        return made(
            Reason.SEGMENT_MISSING,
            f"the segment(s) holding seq {seq}..{got - 1} are missing before {pos.segment}",
            str(seq),
            str(got),
        )
    return made(Reason.MISSING, f"seq {seq}..{got - 1} are missing", str(seq), str(got))


def resolve_prev(
    pending: Pending, nxt: tuple[int | None, str | None], anchor: Anchor | None
) -> Finding:
    """A record whose ``prev`` is not the hash of the line before it: blame the right one."""
    seq, pos = pending.seq, pending.position
    record = pending.record
    assert record is not None
    if pending.after:
        this_intact = nxt[1] == pending.line_hash
    else:
        this_intact = anchor is not None and anchor.head == pending.line_hash
    before = pending.blame_prev
    if before is not None and (pending.genuine or this_intact):
        return Finding(
            Reason.MODIFIED,
            seq - 1,
            f"the bytes of seq {seq - 1} do not hash to the value seq {seq} was chained to",
            before.segment,
            before.line,
            record.prev,
            pending.state_prev,
        )
    return Finding(
        Reason.MODIFIED,
        seq,
        f"seq {seq} is not chained to the record before it",
        pos.segment,
        pos.line,
        pending.state_prev,
        record.prev,
    )
