"""What only the end of the ledger shows: torn, truncated, replaced, unaccounted prune, stale (L1).

Called once all lines were fed without a finding. The anchor is the last checkpoint the sealer
stored in the keychain; ``now`` and ``stale_after`` (from the caller's clock and policy) decide
whether records after the last checkpoint have waited too long to be anchored.
"""

from __future__ import annotations

from dataclasses import dataclass

from hardener.ledger.chain.findings import Anchor, ChainState, Finding, Reason
from hardener.timestamps import parse_timestamp


@dataclass(frozen=True)
class EndFacts:
    state: ChainState
    anchor: Anchor | None
    anchor_hash: str | None  # the hash of the line at the anchor's seq, if it was read
    segment: str


def end_finding(
    facts: EndFacts,
    *,
    torn: bytes,
    torn_line: int | None,
    now: float | None,
    stale_after: float | None,
    keychain_epoch: int | None,
) -> Finding | None:
    state = facts.state
    if torn:
        return Finding(
            Reason.TORN,
            state.next_seq,
            f"the last line ({len(torn)} bytes) has no newline: a write was cut short",
            facts.segment,
            torn_line,
        )
    if facts.anchor is not None and facts.anchor.seq >= state.next_seq:
        return Finding(
            Reason.TRUNCATED,
            state.next_seq,
            "the ledger ends before the checkpoint anchored in the keychain",
            facts.segment,
            None,
            f"seq {facts.anchor.seq}",
            f"last seq {state.next_seq - 1}",
        )
    if facts.anchor_hash is not None and facts.anchor and facts.anchor_hash != facts.anchor.head:
        return Finding(
            Reason.REPLACED,
            facts.anchor.seq,
            "the record at the anchored seq is not the one the keychain remembers",
            None,
            None,
            facts.anchor.head,
            facts.anchor_hash,
        )
    if state.provisional is not None:
        return Finding(
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
    if keychain_epoch is not None and keychain_epoch > state.epoch:
        return Finding(
            Reason.STALE,
            state.next_seq,
            "the keychain's key is in a later epoch than the ledger: this is an older copy",
            None,
            None,
            f"epoch {keychain_epoch}",
            f"epoch {state.epoch}",
        )
    if (
        now is not None
        and stale_after is not None
        and state.since_signed
        and state.last_signed_ts is not None
        and now - parse_timestamp(state.last_signed_ts) > stale_after
    ):
        seq = (state.last_signed_seq or 0) + 1
        return Finding(
            Reason.STALE,
            seq,
            f"{state.since_signed} record(s) after the last "
            f"checkpoint have not been anchored for more than {stale_after:.0f} s",
        )
    return None
