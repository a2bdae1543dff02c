"""The verifier's hot path for ordinary records in their place (L1 pure core).

Most lines of a healthy ledger are event records exactly where the chain expects them. For those
the verifier compares the header with the bytes it must hold (seq, log id, epoch, prev are known
in advance), checks the MAC with the epoch key's pads hashed once, and hashes the line: no
parsing, no objects. Anything unexpected returns ``False`` and the full path examines the line.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from hardener.ledger.chain.checks import loads_object
from hardener.ledger.chain.findings import Anchor, ChainState
from hardener.ledger.chain.keys import KeySchedule
from hardener.ledger.chain.record import FILE_CLOSE, INTERNAL_KINDS, SUFFIX_LEN

_INTERNAL = frozenset(kind.encode() for kind in INTERNAL_KINDS)
_TS_FAST = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
_KIND_FAST = re.compile(rb"[a-z][a-z0-9_.]{0,63}")


class Hmac:
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
class Expect:
    head: bytes  # {"v":1,"seq":N,"ts":"
    mid: bytes  # ","log_id":"…","epoch":E,"kind":"
    tail: bytes  # ","prev":"…","body":{
    mac: Hmac | None


class FastPath:
    """Mixed into :class:`~hardener.ledger.chain.verify.Verifier`: the state it reads and moves."""

    state: ChainState
    keys: KeySchedule | None
    anchor: Anchor | None
    records: int
    first_seq: int | None
    macs_checked: int
    macs_unverifiable: int
    _fast: Expect | None
    _last_kind: str | None
    _segment: str
    _prev_where: tuple[str, int, int] | None
    _prev_mac_ok: bool
    _anchor_seq: int
    _anchor_hash: str | None

    def _fast_expect(self) -> Expect:
        """What an ordinary next record's header must hold, as bytes, and the epoch's MAC key."""
        state = self.state
        key = self.keys.key(state.epoch) if self.keys is not None else None
        self._fast = Expect(
            b'{"v":1,"seq":%d,"ts":"' % state.next_seq,
            b'","log_id":"%s","epoch":%d,"kind":"' % (state.log_id.encode(), state.epoch),
            b'","prev":"%s","body":{' % state.prev.encode(),
            None if key is None else Hmac(key),
        )
        return self._fast

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
