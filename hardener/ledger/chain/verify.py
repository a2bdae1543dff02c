"""The streaming ledger verifier: feed it lines, it names the first bad record and why (L1 pure).

Per record, in this order: well-formed line, MAC (when the epoch's key is known), log id, sequence,
hash chain, epoch continuity, and for the ledger-internal kinds their own rules (segment structure,
checkpoint signatures and the chain of checkpoint keys, epoch closes, prunes). The first deviation
opens a *finding*; the verifier then reads on (headers only) just enough to tell a modified line
from a forged, inserted, reordered or missing one. :meth:`Verifier.finish` adds what only the end
can show: a torn last line, truncation against the keychain anchor, a pruned start nobody
accounted for, staleness. The caller supplies the lines, the keys, the anchor and the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hardener.ledger.chain.checks import (
    body_of,
    check_file_open,
    check_mac,
    check_signed,
    loads_object,
    prune_confirms,
)
from hardener.ledger.chain.ending import EndFacts, end_finding
from hardener.ledger.chain.fastpath import Expect, FastPath
from hardener.ledger.chain.findings import (
    Anchor,
    ChainState,
    Finding,
    Reason,
    VerificationError,
)
from hardener.ledger.chain.keys import KeySchedule
from hardener.ledger.chain.lookahead import Pending, Position, look_ahead, resolve
from hardener.ledger.chain.record import (
    ACTIVE_SEGMENT,
    EPOCH_CLOSE,
    FILE_CLOSE,
    FILE_OPEN,
    LEDGER_BREAK,
    PRUNE,
    SIGNED_KINDS,
    ZERO_HASH,
    Record,
    archive_name,
    line_hash,
    parse,
)

#: how far ahead of the chain's epoch a record's claimed epoch may be for its key to be derived
MAX_EPOCH_JUMP = 100_000


@dataclass(frozen=True)
class SegmentEnd:
    """How :meth:`Verifier.feed_segment` left a segment: its torn tail, or stopped at the cap."""

    torn: bytes = b""
    torn_line: int | None = None
    stopped: bool = False


@dataclass(frozen=True)
class Snapshot:
    """The state right after a verified signed record: where the next run may start."""

    state: ChainState
    position: Position
    length: int
    head: str  # hash of the signed record's line


class Verifier(FastPath):
    """Feed segments and lines in file order; read :attr:`finding` after :meth:`finish`."""

    def __init__(
        self,
        *,
        log_id: str,
        keys: KeySchedule | None = None,
        first_key: str | None = None,
        state: ChainState | None = None,
        anchor: Anchor | None = None,
    ) -> None:
        self.keys = keys
        self.first_key = first_key
        self.anchor = anchor
        self.resumed = state is not None
        self.state = state or ChainState(log_id, 0, ZERO_HASH, 0, first_key, 0)
        self.finding: Finding | None = None
        self.records = 0
        self.macs_checked = 0
        self.macs_unverifiable = 0
        self.signatures = 0
        self.last_signed: Snapshot | None = None
        self.first_seq: int | None = None
        self._pending: Pending | None = None
        self._segment = ""
        self._fresh_segment = False
        self._prev_closed = False  # the previous segment ended with file_close
        self._last_kind: str | None = None
        self._prev_where: tuple[str, int, int] | None = None  # segment, line, offset
        self._prev_mac_ok = True
        self._fast: Expect | None = None
        self._anchor_hash: str | None = None
        self._anchor_seq = -1 if anchor is None else anchor.seq
        #: the finding is only the sealed record of a deletion (the chain itself verified)
        self.finding_is_break = False

    @property
    def done(self) -> bool:
        return self.finding is not None

    # --- input ----------------------------------------------------------------------------
    def begin_segment(self, name: str, *, resume: bool = False) -> None:
        """Start a segment; ``resume`` when feeding starts after its first line (cache)."""
        self._prev_closed = self._last_kind == FILE_CLOSE
        self._segment = name
        self._fresh_segment = not resume

    def feed_segment(
        self,
        name: str,
        lines: Iterable[tuple[int, int, bytes]],
        *,
        last: bool,
        resume: bool = False,
        max_records: int | None = None,
    ) -> SegmentEnd:
        """Feed one segment's ``(line number, offset, line)``; in the last segment an unterminated
        final line is the torn tail (``finish`` judges it), elsewhere it is a record like any."""
        self.begin_segment(name, resume=resume)
        for number, offset, line in lines:
            if last and not line.endswith(b"\n"):
                return SegmentEnd(line, number)
            self.feed(line, number, offset)
            if self.done:
                break
            if max_records is not None and self.records >= max_records:
                return SegmentEnd(stopped=True)
        return SegmentEnd()

    def _prev_position(self) -> Position | None:
        return None if self._prev_where is None else Position(*self._prev_where)

    def feed(self, line: bytes, line_no: int, offset: int) -> None:
        if self.finding is not None:
            return
        if (
            self._pending is None
            and not self._fresh_segment
            and self._feed_fast(line, line_no, offset)
        ):
            return
        self._fast = None
        self._slow(line, line_no, offset)

    def _slow(self, line: bytes, line_no: int, offset: int) -> None:
        position = Position(self._segment, line_no, offset)
        if self._pending is not None:
            look_ahead(self._pending, line)
            return
        try:
            self._check(line, position)
        except VerificationError as error:
            self._fail(error.finding(self.state.next_seq).located(position.segment, line_no))

    # --- the per-record checks --------------------------------------------------------------
    def _check(self, line: bytes, position: Position) -> None:
        record = parse(line)
        if record is not None and self.records == 0 and not self.resumed and record.seq != 0:
            self._provisional_start(record, position)
        state = self.state
        boundary = self._fresh_segment and position.line == 1 and self._prev_closed
        fresh = self._fresh_segment and position.line == 1

        def pending(kind: str, bad: Record | None, error: VerificationError | None) -> Pending:
            return Pending(
                kind,
                state.next_seq,
                position,
                line_hash(line),
                state.prev,
                bad,
                error,
                boundary=boundary,
            )

        if record is None:
            self._open(pending("malformed", None, None))
            return
        mac_ok = False
        # the key of the epoch the record claims (a tampered epoch field then fails the MAC);
        # a genuine record out of place (after a gap) still verifies, and the gap is named
        key = None
        if self.keys is not None and record.epoch - state.epoch <= MAX_EPOCH_JUMP:
            key = self.keys.key(record.epoch)
        if key is not None:
            try:
                check_mac(record, key)
            except VerificationError as error:
                self._open(pending("mac", record, error))
                return
            mac_ok = True
        elif loads_object(record.body) is None:
            # without the key only the chain protects the bytes; at least the body must be JSON
            self._open(pending("malformed", None, None))
            return
        if record.log_id != state.log_id:
            raise VerificationError(
                Reason.INSERTED,
                f"a record of another log was inserted (seq {record.seq})",
                expected=state.log_id,
                computed=record.log_id,
            )
        if record.seq != state.next_seq:
            self._open(
                Pending(
                    "seq",
                    state.next_seq,
                    position,
                    line_hash(line),
                    state.prev,
                    record,
                    None,
                    boundary=boundary and record.kind == FILE_OPEN,
                )
            )
            return
        if record.prev != state.prev:
            if mac_ok and self._prev_mac_ok:
                raise VerificationError(
                    Reason.FORGED,
                    f"seq {record.seq} is not chained to the record before it",
                    expected=state.prev,
                    computed=record.prev,
                )
            # which of the two lines changed? the next line (or the anchor) tells
            self._open(
                Pending(
                    "prev",
                    state.next_seq,
                    position,
                    line_hash(line),
                    state.prev,
                    record,
                    None,
                    blame_prev=self._prev_position() if not self._prev_mac_ok else None,
                    genuine=mac_ok,
                )
            )
            return
        if record.epoch != state.epoch:
            raise VerificationError(
                Reason.FORGED,
                f"seq {record.seq} is in epoch {record.epoch}; the chain is in epoch {state.epoch}",
                expected=str(state.epoch),
                computed=str(record.epoch),
            )
        if fresh and record.kind != FILE_OPEN:
            raise VerificationError(
                Reason.MODIFIED,
                f"segment {position.segment} does not begin with a file_open record",
                expected=FILE_OPEN,
                computed=record.kind,
            )
        if fresh and self.records and not self._prev_closed:
            raise VerificationError(
                Reason.MODIFIED,
                f"the segment before {position.segment} does not end with a file_close record",
            )
        if self._last_kind == FILE_CLOSE and not fresh:
            raise VerificationError(
                Reason.INSERTED, f"seq {record.seq} follows a file_close in the same segment"
            )
        self._accept(record, line, position, mac_ok)

    def _accept(self, record: Record, line: bytes, position: Position, mac_ok: bool) -> None:
        """The record passed the generic checks: apply its kind's rules and move on."""
        state = self.state
        this_hash = line_hash(line)
        self._apply(record, position, this_hash)
        if self.first_seq is None:
            self.first_seq = record.seq
        if self.anchor is not None and record.seq == self.anchor.seq:
            self._anchor_hash = this_hash
        self.records += 1
        state.next_seq = record.seq + 1
        state.prev = this_hash
        self._last_kind = record.kind
        self._prev_where = (position.segment, position.line, position.offset)
        self._prev_mac_ok = mac_ok
        self._fresh_segment = False
        if mac_ok:
            self.macs_checked += 1
        else:
            self.macs_unverifiable += 1
        if record.kind in SIGNED_KINDS:
            self.last_signed = Snapshot(state.copy(), position, len(line), this_hash)

    def _apply(self, record: Record, position: Position, this_hash: str) -> None:
        """Kind-specific rules and their effect on the state."""
        state = self.state
        kind = record.kind
        if kind in SIGNED_KINDS:
            body = body_of(record)
            fields = check_signed(
                record, body, signer=state.signer, since_signed=state.since_signed
            )
            self.signatures += 1
            state.signer = fields.next_key
            state.since_signed = 0
            state.last_signed_seq = record.seq
            state.last_signed_ts = record.ts
            if kind == EPOCH_CLOSE and fields.through is not None:
                state.epoch = fields.through + 1
            return
        if state.since_signed is not None:
            state.since_signed += 1
        if kind == FILE_OPEN:
            body = body_of(record)
            state.signer = check_file_open(
                record, body, line=position.line, signer=state.signer, first_key=self.first_key
            )
            if record.seq == 0:
                state.last_signed_ts = record.ts
        elif kind == LEDGER_BREAK and state.broken is None:
            state.broken = broken_facts(record, position)
        elif (
            kind == PRUNE
            and state.provisional is not None
            and prune_confirms(body_of(record), state.provisional)
        ):
            state.provisional = None

    def _provisional_start(self, record: Record, position: Position) -> None:
        """The oldest segments were pruned: start at this file_open, to be confirmed later."""
        if record.kind != FILE_OPEN or position.line != 1:
            return
        if position.segment not in (ACTIVE_SEGMENT, archive_name(record.seq)):
            return  # a segment named for another first seq: not a pruned start
        body = body_of(record)
        signer = body.get("signer")
        self.state = ChainState(
            record.log_id,
            record.seq,
            record.prev,
            record.epoch,
            signer if isinstance(signer, str) else None,
            None,
            provisional=[record.seq, record.prev, signer],
        )
        self.state.last_signed_ts = record.ts

    # --- classifying the first anomaly ------------------------------------------------------
    def _open(self, pending: Pending) -> None:
        self._pending = pending

    def _fail_maybe(self, finding: Finding | None) -> None:
        if finding is not None:
            self._fail(finding)

    def _fail(self, finding: Finding) -> None:
        if self.finding is None:
            self.finding = finding

    # --- the end ------------------------------------------------------------------------------
    def finish(
        self,
        *,
        torn: bytes = b"",
        torn_line: int | None = None,
        writer_active: bool = False,
        now: float | None = None,
        stale_after: float | None = None,
        keychain_epoch: int | None = None,
    ) -> Finding | None:
        """What only the end shows. ``torn``: bytes after the last newline of the last segment."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._fail(resolve(pending, self.anchor))
        if self.finding is not None:
            return self.finding
        ending = end_finding(
            EndFacts(self.state, self.anchor, self._anchor_hash, self._segment),
            torn=b"" if writer_active else torn,
            torn_line=torn_line,
            now=now,
            stale_after=stale_after,
            keychain_epoch=keychain_epoch,
        )
        if self.state.broken is not None and (
            ending is None or ending.reason == Reason.SEGMENT_MISSING
        ):
            # the sealer's own record of the deletion explains a late start, and outranks it
            self.finding_is_break = True
            ending = break_finding(self.state.broken)
        self._fail_maybe(ending)
        return self.finding


def broken_facts(record: Record, position: Position) -> dict[str, Any]:
    """What a ``ledger_break`` record says, kept in the chain state (and the verify cache)."""
    body = body_of(record)
    found = body.get("anchor")
    anchor: dict[str, Any] = found if isinstance(found, dict) else {}
    return {
        "seq": record.seq,
        "ts": record.ts,
        "segment": position.segment,
        "line": position.line,
        "reason": str(body.get("reason", "")),
        "last_seq": body.get("last_seq"),
        "head": body.get("head"),
        "anchor_seq": anchor.get("seq"),
        "anchor_head": anchor.get("head"),
        "lost_before_seq": body.get("lost_before_seq"),
    }


def break_finding(facts: dict[str, Any]) -> Finding:
    """``deleted``: the sealer saw its ledger deleted or replaced and sealed a ledger_break."""
    what = {
        "directory_deleted": "the ledger directory was deleted",
        "segment_deleted": "the active segment was deleted",
        "segment_replaced": "the active segment was replaced",
    }.get(str(facts.get("reason")), "the ledger was deleted or replaced")
    message = (
        f"the ledger was deleted: {what} while the agent was sealing ({facts.get('ts')}); the "
        f"agent put the active segment back and sealed ledger_break seq {facts.get('seq')}; the "
        f"chain then ended at seq {facts.get('last_seq')} (head {facts.get('head')})"
    )
    if facts.get("anchor_seq") is not None:
        message += (
            f", anchored at checkpoint seq {facts['anchor_seq']} (head {facts['anchor_head']})"
        )
    if facts.get("lost_before_seq") is not None:
        message += f"; the archived segments before seq {facts['lost_before_seq']} are gone"
    return Finding(
        Reason.DELETED,
        facts.get("anchor_seq"),
        message,
        facts.get("segment"),
        facts.get("line"),
        facts.get("anchor_head"),
    )
