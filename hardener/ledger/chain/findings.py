"""Verification findings and the chain state a verifier carries between records (L1 pure core).

A :class:`Finding` names the first bad record: the reason, the sequence number that should have been
at that place, where it is (segment file, 1-based line) and, when the check compared two values,
what was expected and what was computed. :class:`ChainState` is everything needed to continue
verifying after a record; the CLI caches it at the last verified checkpoint so the next run starts
there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any


class Reason(StrEnum):
    MODIFIED = "modified"  # bytes of a sealed record changed
    FORGED = "forged"  # a record that links into the chain but was not made with the key
    MISSING = "missing"  # records removed from the middle
    REORDERED = "reordered"  # records present but out of order
    INSERTED = "inserted"  # a line that was never sealed at this place (copy, junk, other log)
    TRUNCATED = "truncated"  # the end is gone (the keychain anchor says more was sealed)
    STALE = "stale"  # the tail has not been anchored for too long, or the keys are ahead
    TORN = "torn"  # a last line without its newline (a crash; the daemon repairs it on start)
    SEGMENT_MISSING = "segment_missing"  # a whole segment file is gone
    REPLACED = "replaced"  # another (older or rebuilt) copy stands where the anchored one was
    DELETED = "deleted"  # every segment (or the directory) is gone, or only empty files remain,
    # or the sealer found its ledger deleted under it and sealed a ledger_break record


@dataclass(frozen=True)
class Finding:
    reason: Reason
    seq: int | None
    message: str
    segment: str | None = None
    line: int | None = None
    expected: str | None = None
    computed: str | None = None

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["reason"] = str(self.reason)
        return data

    def located(self, segment: str | None, line: int | None) -> Finding:
        return replace(self, segment=segment, line=line)


class VerificationError(Exception):
    """Raised by the single-record check functions; the verifier adds the location."""

    def __init__(
        self,
        reason: Reason,
        message: str,
        *,
        expected: str | None = None,
        computed: str | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.expected = expected
        self.computed = computed

    def finding(self, seq: int | None) -> Finding:
        return Finding(
            self.reason, seq, self.message, expected=self.expected, computed=self.computed
        )


@dataclass
class ChainState:
    """Where a verifier stands: what the next record must look like."""

    log_id: str
    next_seq: int
    prev: str
    epoch: int
    #: public key that must sign the next signed record (None: not known yet)
    signer: str | None
    #: records since the last signed one (None: unknown, after a pruned start)
    since_signed: int | None
    last_signed_seq: int | None = None
    last_signed_ts: str | None = None
    #: a start after pruned segments, not yet confirmed by a prune record: [seq, prev, signer]
    provisional: list[object] | None = None
    #: the first ledger_break record met: seq, segment, line and its body's facts
    broken: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChainState:
        return cls(
            log_id=str(data["log_id"]),
            next_seq=int(data["next_seq"]),
            prev=str(data["prev"]),
            epoch=int(data["epoch"]),
            signer=None if data.get("signer") is None else str(data["signer"]),
            since_signed=None if data.get("since_signed") is None else int(data["since_signed"]),
            last_signed_seq=data.get("last_signed_seq"),
            last_signed_ts=data.get("last_signed_ts"),
            provisional=data.get("provisional"),
            broken=data.get("broken") if isinstance(data.get("broken"), dict) else None,
        )

    def copy(self) -> ChainState:
        return replace(self, provisional=None if self.provisional is None else [*self.provisional])


@dataclass(frozen=True)
class Anchor:
    """The last checkpoint the sealer stored in the keychain: its seq and the hash of its line."""

    seq: int
    head: str
