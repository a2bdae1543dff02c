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

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from hardener.ledger.chain.checks import (
    body_of,
    check_file_open,
    check_mac,
    check_signed,
    loads_object,
    prune_confirms,
)
from hardener.ledger.chain.findings import (
    Anchor,
    ChainState,
    Finding,
    Reason,
    VerificationError,
)
from hardener.ledger.chain.keys import KeySchedule
from hardener.ledger.chain.record import (
    ACTIVE_SEGMENT,
    EPOCH_CLOSE,
    FILE_CLOSE,
    FILE_OPEN,
    INTERNAL_KINDS,
    PRUNE,
    SIGNED_KINDS,
    SUFFIX_LEN,
    ZERO_HASH,
    Record,
    archive_name,
    line_hash,
    parse,
)

_INTERNAL = frozenset(kind.encode() for kind in INTERNAL_KINDS)
_TS_FAST = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
_KIND_FAST = re.compile(rb"[a-z][a-z0-9_.]{0,63}")


class _Hmac:
    """HMAC-SHA256 with the key's pads hashed once (the verifier's hot path)."""

    def __init__(self, key: bytes) -> None:
        block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def hexdigest(self, data: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(data)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest().encode()


@dataclass(slots=True)
class _Expect:
    head: bytes  # {"v":1,"seq":N,"ts":"
    mid: bytes  # ","log_id":"…","epoch":E,"kind":"
    tail: bytes  # ","prev":"…","body":{
    mac: _Hmac | None


#: how far ahead of the chain's epoch a record's claimed epoch may be for its key to be derived
MAX_EPOCH_JUMP = 100_000


@dataclass(frozen=True)
class Position:
    segment: str
    line: int  # 1-based
    offset: int  # byte offset of the line's start in the segment


@dataclass(frozen=True)
class Snapshot:
    """The state right after a verified signed record: where the next run may start."""

    state: ChainState
    position: Position
    length: int
    head: str  # hash of the signed record's line


@dataclass
class _Pending:
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


def parse_ts(ts: str) -> float:
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


class Verifier:
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
        self._pending: _Pending | None = None
        self._segment = ""
        self._fresh_segment = False
        self._prev_closed = False  # the previous segment ended with file_close
        self._last_kind: str | None = None
        self._prev_where: tuple[str, int, int] | None = None  # segment, line, offset
        self._prev_mac_ok = True
        self._fast: _Expect | None = None
        self._prev_line_hash: str | None = None
        self._anchor_hash: str | None = None
        self._anchor_seq = -1 if anchor is None else anchor.seq

    @property
    def done(self) -> bool:
        return self.finding is not None

    # --- input ----------------------------------------------------------------------------
    def begin_segment(self, name: str, *, resume: bool = False) -> None:
        """Start a segment; ``resume`` when feeding starts after its first line (cache)."""
        self._prev_closed = self._last_kind == FILE_CLOSE
        self._segment = name
        self._fresh_segment = not resume

    def _prev_position(self) -> Position | None:
        return None if self._prev_where is None else Position(*self._prev_where)

    def _fast_expect(self) -> _Expect:
        """What an ordinary next record's header must hold, as bytes, and the epoch's MAC key."""
        state = self.state
        key = self.keys.key(state.epoch) if self.keys is not None else None
        self._fast = _Expect(
            b'{"v":1,"seq":%d,"ts":"' % state.next_seq,
            b'","log_id":"%s","epoch":%d,"kind":"' % (state.log_id.encode(), state.epoch),
            b'","prev":"%s","body":{' % state.prev.encode(),
            None if key is None else _Hmac(key),
        )
        return self._fast

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

    def _feed_fast(self, line: bytes, line_no: int, offset: int) -> bool:
        """The hot path: an ordinary event record exactly where the chain expects it.

        Compares the header with the bytes it must hold (no parsing); anything else, and any
        doubt, takes the full path, which names the problem.
        """
        expect = self._fast or self._fast_expect()
        head = expect.head
        if not line.startswith(head) or self._last_kind == FILE_CLOSE:
            return False
        mid = expect.mid
        mid_at = len(head) + 27  # the timestamp has a fixed width
        kind_at = mid_at + len(mid)
        if line[mid_at:kind_at] != mid:
            return False
        kind_end = line.find(b'"', kind_at, kind_at + 65)
        kind = line[kind_at:kind_end]
        if kind_end < 0 or kind in _INTERNAL:
            return False
        tail = expect.tail
        body_at = kind_end + len(tail) - 1
        cut = len(line) - SUFFIX_LEN
        if (
            line[kind_end : body_at + 1] != tail
            or line[cut : cut + 8] != b',"mac":"'
            or line[-3:] != b'"}\n'
            or line[cut - 1] != 0x7D
        ):
            return False
        mac = expect.mac
        if mac is not None:
            if not hmac.compare_digest(mac.hexdigest(line[:cut]), line[cut + 8 : cut + 72]):
                return False
        elif (
            not _TS_FAST.fullmatch(line, len(head), mid_at)
            or not _KIND_FAST.fullmatch(kind)
            or loads_object(line[body_at:cut]) is None
        ):
            return False  # without the key, at least the shape must be right
        state = self.state
        this_hash = hashlib.sha256(line).hexdigest()
        seq = state.next_seq
        if self.records == 0:
            self.first_seq = seq
        if seq == self._anchor_seq:
            self._anchor_hash = this_hash
        self.records += 1
        state.next_seq = seq + 1
        state.prev = this_hash
        if state.since_signed is not None:
            state.since_signed += 1
        self._last_kind = ""  # an event kind: none of the internal rules apply to the next
        self._prev_where = (self._segment, line_no, offset)
        if mac is not None:
            self.macs_checked += 1
            self._prev_mac_ok = True
        else:
            self.macs_unverifiable += 1
            self._prev_mac_ok = False
        expect.head = b'{"v":1,"seq":%d,"ts":"' % (seq + 1)
        expect.tail = b'","prev":"%s","body":{' % this_hash.encode()
        return True

    def _slow(self, line: bytes, line_no: int, offset: int) -> None:
        position = Position(self._segment, line_no, offset)
        if self._pending is not None:
            self._look_ahead(line)
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
        if record is None:
            self._open(
                _Pending(
                    "malformed",
                    state.next_seq,
                    position,
                    line_hash(line),
                    state.prev,
                    None,
                    None,
                    boundary=boundary,
                )
            )
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
                self._open(
                    _Pending(
                        "mac",
                        state.next_seq,
                        position,
                        line_hash(line),
                        state.prev,
                        record,
                        error,
                        boundary=boundary,
                    )
                )
                return
            mac_ok = True
        elif loads_object(record.body) is None:
            # without the key only the chain protects the bytes; at least the body must be JSON
            self._open(
                _Pending(
                    "malformed",
                    state.next_seq,
                    position,
                    line_hash(line),
                    state.prev,
                    None,
                    None,
                    boundary=boundary,
                )
            )
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
                _Pending(
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
                _Pending(
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
    def _open(self, pending: _Pending) -> None:
        self._pending = pending

    def _look_ahead(self, line: bytes) -> None:
        pending = self._pending
        assert pending is not None
        record = parse(line)
        seq = record.seq if record else None
        if len(pending.after) < 2:
            pending.after.append((seq, record.prev if record else None))
        if pending.found_at is None and seq == pending.seq:
            pending.found_at = len(pending.after) - 1
        if pending.record is not None and seq == pending.record.seq:
            pending.got_again = True

    def _resolve(self) -> Finding:
        pending = self._pending
        assert pending is not None
        self._pending = None
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
            return self._resolve_prev(pending, nxt)
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

    def _resolve_prev(self, pending: _Pending, nxt: tuple[int | None, str | None]) -> Finding:
        """A record whose ``prev`` is not the hash of the line before it: blame the right one."""
        seq, pos = pending.seq, pending.position
        record = pending.record
        assert record is not None
        if pending.after:
            this_intact = nxt[1] == pending.line_hash
        else:
            this_intact = self.anchor is not None and self.anchor.head == pending.line_hash
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
            self._fail(self._resolve())
        if self.finding is not None:
            return self.finding
        state = self.state
        if torn and not writer_active:
            self._fail(
                Finding(
                    Reason.TORN,
                    state.next_seq,
                    f"the last line ({len(torn)} bytes) has no newline: a write was cut short",
                    self._segment,
                    torn_line,
                )
            )
        elif self.anchor is not None and self.anchor.seq >= state.next_seq:
            self._fail(
                Finding(
                    Reason.TRUNCATED,
                    state.next_seq,
                    "the ledger ends before the checkpoint anchored in the keychain",
                    self._segment,
                    None,
                    f"seq {self.anchor.seq}",
                    f"last seq {state.next_seq - 1}",
                )
            )
        elif (
            self._anchor_hash is not None and self.anchor and self._anchor_hash != self.anchor.head
        ):
            self._fail(
                Finding(
                    Reason.REPLACED,
                    self.anchor.seq,
                    "the record at the anchored seq is not the one the keychain remembers",
                    None,
                    None,
                    self.anchor.head,
                    self._anchor_hash,
                )
            )
        elif state.provisional is not None:
            self._fail(
                Finding(
                    Reason.SEGMENT_MISSING,
                    0,
                    f"the ledger starts at seq "
                    f"{state.provisional[0]} and no prune record accounts for the "
                    "segments before it",
                    None,
                    None,
                    "seq 0",
                    f"seq {state.provisional[0]}",
                )
            )
        elif keychain_epoch is not None and keychain_epoch > state.epoch:
            self._fail(
                Finding(
                    Reason.STALE,
                    state.next_seq,
                    "the keychain's key is in a later epoch than the ledger: this is an older copy",
                    None,
                    None,
                    f"epoch {keychain_epoch}",
                    f"epoch {state.epoch}",
                )
            )
        elif (
            now is not None
            and stale_after is not None
            and state.since_signed
            and state.last_signed_ts is not None
            and now - parse_ts(state.last_signed_ts) > stale_after
        ):
            seq = (state.last_signed_seq or 0) + 1
            self._fail(
                Finding(
                    Reason.STALE,
                    seq,
                    f"{state.since_signed} record(s) after the last "
                    f"checkpoint have not been anchored for more than {stale_after:.0f} s",
                )
            )
        return self.finding


def verify_segments(
    segments: list[tuple[str, bytes]],
    *,
    log_id: str,
    keys: KeySchedule | None = None,
    first_key: str | None = None,
    anchor: Anchor | None = None,
    now: float | None = None,
    stale_after: float | None = None,
) -> tuple[Verifier, Finding | None]:
    """Verify whole segments held in memory (the file-based audit streams the same way)."""
    check = Verifier(log_id=log_id, keys=keys, first_key=first_key, anchor=anchor)
    torn, torn_line = b"", None
    for index, (name, data) in enumerate(segments):
        check.begin_segment(name)
        last = index == len(segments) - 1
        offset = 0
        parts = data.split(b"\n")
        for number, part in enumerate(parts, start=1):
            if number == len(parts):
                if part and last:
                    torn, torn_line = part, number
                elif part:
                    check.feed(part, number, offset)
                break
            line = part + b"\n"
            check.feed(line, number, offset)
            offset += len(line)
        if check.done:
            break
    return check, check.finish(torn=torn, torn_line=torn_line, now=now, stale_after=stale_after)
