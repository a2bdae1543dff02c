"""Builds sealed ledgers in memory with the pure chain functions (no keychain, no files)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from hardener.ledger.chain.build import make_line, signed_body
from hardener.ledger.chain.findings import Anchor, Finding
from hardener.ledger.chain.keys import (
    KeySchedule,
    evolve,
    evolve_sign,
    mac_key,
    public_hex,
    signing_key,
)
from hardener.ledger.chain.record import ZERO_HASH, line_hash
from hardener.ledger.chain.verify import SegmentEnd, Verifier
from hardener.timestamps import utc_timestamp

LOG_ID = "0123456789abcdef0123456789abcdef"
SEED0 = bytes(range(32))
SIGN0 = bytes(range(32, 64))
BASE = 1_790_000_000.0


def ts(i: float) -> str:
    from datetime import UTC, datetime

    return utc_timestamp(datetime.fromtimestamp(BASE + i, UTC))


def dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


@dataclass
class Built:
    segments: list[tuple[str, list[bytes]]] = field(default_factory=list)
    first_key: str = ""
    anchor: Anchor | None = None
    seed: bytes = SEED0
    sign_seed: bytes = SIGN0
    epoch: int = 0

    def data(self) -> list[tuple[str, bytes]]:
        return [(name, b"".join(lines)) for name, lines in self.segments]

    def lines(self) -> list[bytes]:
        return [line for _, lines in self.segments for line in lines]

    def keys(self) -> KeySchedule:
        return KeySchedule(0, SEED0)


class Builder:
    def __init__(self) -> None:
        self.built = Built(first_key=public_hex(signing_key(SIGN0)))
        self.seq = 0
        self.prev = ZERO_HASH
        self.since = 0
        self.clock = 0.0
        self.seed = SEED0
        self.sign = SIGN0
        self.epoch = 0
        self.epoch_start = BASE
        self.lines: list[bytes] = []
        self.first = 0

    def _put(self, kind: str, body: bytes, *, signed: bool = False, at: str | None = None) -> bytes:
        if at is None:
            self.clock += 0.001
            at = ts(self.clock)
        line = make_line(
            seq=self.seq,
            ts=at,
            log_id=LOG_ID,
            epoch=self.epoch,
            kind=kind,
            prev=self.prev,
            body=body,
            key=mac_key(self.seed),
        )
        self.lines.append(line)
        self.prev = line_hash(line)
        self.seq += 1
        if signed:
            self.since = 0
            self.built.anchor = Anchor(self.seq - 1, self.prev)
        else:
            self.since += 1
        return line

    def file_open(self, *, genesis: bool, previous: str | None) -> None:
        body: dict[str, object] = {"genesis": True} if genesis else {}
        body.update(
            previous=previous,
            signer=public_hex(signing_key(self.sign)),
            epoch_start=self.epoch_start,
            since_signed=self.since,
            spool={},
        )
        self._put("file_open", dumps(body))

    def event(self, i: int) -> None:
        event = {
            "v": 1,
            "kind": "tool.call",
            "ts": ts(i),
            "session": "s",
            "n": i,
            "client": "c",
            "server": "x",
            "body": {"tool": "t", "arguments": {"i": i}},
        }
        ref = {"file": "s.jsonl", "offset": i * 100, "length": 100}
        self._put("tool.call", dumps({"spool": ref, "event": event}))

    def signed(self, kind: str = "checkpoint", through: int | None = None) -> None:
        self.clock += 0.001
        next_start = None
        if kind == "epoch_close":
            through = self.epoch if through is None else through
            next_start = self.epoch_start + 60.0 * (through - self.epoch + 1)
        at = ts(self.clock)
        body = signed_body(
            seq=self.seq,
            ts=at,
            log_id=LOG_ID,
            epoch=self.epoch,
            kind=kind,
            prev=self.prev,
            records=self.since,
            sign_seed=self.sign,
            through=through,
            next_start=next_start,
        )
        self._put(kind, body, signed=True, at=at)
        self.sign = evolve_sign(self.sign)
        if kind == "epoch_close" and through is not None and next_start is not None:
            self.seed = evolve(self.seed, through - self.epoch + 1)
            self.epoch = through + 1
            self.epoch_start = next_start

    def rotate(self) -> None:
        if self.since:
            self.signed()
        name = f"ledger-{self.first:012d}.jsonl"
        self._put(
            "file_close",
            dumps({"segment": name, "first_seq": self.first, "records": self.seq - self.first + 1}),
        )
        self.built.segments.append((name, self.lines))
        self.lines = []
        self.first = self.seq
        self.file_open(genesis=False, previous=name)

    def finish(self, *, checkpoint: bool = True) -> Built:
        if self.since and checkpoint:
            self.signed()
        self.built.segments.append(("ledger.jsonl", self.lines))
        self.built.seed, self.built.sign_seed, self.built.epoch = self.seed, self.sign, self.epoch
        return self.built


def build(
    events: int,
    *,
    checkpoint_every: int = 5,
    epoch_every: int | None = None,
    segment_every: int | None = None,
    skip_epochs: int = 0,
    final_checkpoint: bool = True,
) -> Built:
    """A genesis, ``events`` events, checkpoints / epoch closes / rotations, a final checkpoint."""
    b = Builder()
    b.file_open(genesis=True, previous=None)
    for i in range(events):
        b.event(i)
        if segment_every and (i + 1) % segment_every == 0:
            b.rotate()
        elif epoch_every and (i + 1) % epoch_every == 0:
            b.signed("epoch_close", through=b.epoch + skip_epochs)
        elif b.since >= checkpoint_every:
            b.signed()
    return b.finish(checkpoint=final_checkpoint)


def _memory_lines(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """``(line number, offset, line)`` of a segment held in memory, as ``store.iter_lines`` reads
    them from a file (the last line may lack its newline)."""
    offset = 0
    for number, line in enumerate(io.BytesIO(data), start=1):
        yield number, offset, line
        offset += len(line)


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
    """Verify whole segments held in memory through the path ``hardener log verify`` takes
    (``Verifier.feed_segment`` per segment, then ``finish``)."""
    check = Verifier(log_id=log_id, keys=keys, first_key=first_key, anchor=anchor)
    end = SegmentEnd()
    for index, (name, data) in enumerate(segments):
        end = check.feed_segment(name, _memory_lines(data), last=index == len(segments) - 1)
        if check.done:
            break
    finding = check.finish(torn=end.torn, torn_line=end.torn_line, now=now, stale_after=stale_after)
    return check, finding
