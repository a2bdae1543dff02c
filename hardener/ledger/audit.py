"""``log verify`` as a library call: gather keys, anchor and files, run the pure verifier (L2).

Key material, best first: an exported verifier file (``S_0`` and the first public key, from off the
machine), else the keychain's ``S_0`` (every epoch's MAC checked), else the keychain's current seed
(only the current epoch's MACs), else none (public keys only: chain and checkpoint signatures, as a
root/SYSTEM ``status`` run does). The keychain anchor (last durable checkpoint) is read *before*
the files, so a checkpoint sealed meanwhile cannot make it look truncated.

Incremental by default: ``verified.json`` remembers the chain state right after the last verified
checkpoint; the next run re-hashes that checkpoint line (a replaced ledger shows up here) and
verifies only what follows. ``full=True`` (``--all``) verifies every segment from the genesis.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hardener.errors import KeychainError, UsageError
from hardener.keystore import KeyStore
from hardener.ledger.chain.findings import Anchor, ChainState, Finding, Reason
from hardener.ledger.chain.keys import KeySchedule
from hardener.ledger.chain.record import archive_name, line_hash, parse
from hardener.ledger.chain.verify import Verifier
from hardener.ledger.sealkeys import VerifierFile, load_keys, load_seed0
from hardener.ledger.store import (
    VERIFIED,
    Segment,
    first_line,
    iter_lines,
    list_segments,
    read_json,
    read_line_at,
    require_public,
    write_state,
    writer_active,
)
from hardener.paths import HardenerPaths

log = logging.getLogger(__name__)


@dataclass
class VerifyReport:
    log_id: str
    fingerprint: str
    mode: str  # "incremental" | "all"
    mac_keys: str  # "verifier" | "seed0" | "current" | "none"
    anchor_status: str  # "ok" | "unavailable" | "missing" | "none"
    anchor: Anchor | None
    writer_active: bool
    records: int = 0
    from_seq: int | None = None
    last_seq: int | None = None
    head: str | None = None
    macs_checked: int = 0
    macs_unverifiable: int = 0
    signatures: int = 0
    segments: int = 0
    finding: Finding | None = None
    notes: list[str] = field(default_factory=list)
    #: verification stopped at ``max_records`` before the head: no verdict
    incomplete: bool = False

    @property
    def intact(self) -> bool:
        return self.finding is None

    def to_dict(self) -> Mapping[str, object]:
        return {
            "status": "intact" if self.intact else "tampered",
            "mode": self.mode,
            "log_id": self.log_id,
            "fingerprint": self.fingerprint,
            "records_checked": self.records,
            "from_seq": self.from_seq,
            "last_seq": self.last_seq,
            "head": self.head,
            "segments": self.segments,
            "macs": {"checked": self.macs_checked, "unverifiable": self.macs_unverifiable},
            "mac_keys": self.mac_keys,
            "signatures_checked": self.signatures,
            "anchor": {
                "status": self.anchor_status,
                "seq": None if self.anchor is None else self.anchor.seq,
                "head": None if self.anchor is None else self.anchor.head,
            },
            "writer_active": self.writer_active,
            "finding": None if self.finding is None else self.finding.to_dict(),
            "notes": self.notes,
        }


def _keys(
    public: Mapping[str, object], keystore: KeyStore | None, verifier: VerifierFile | None
) -> tuple[KeySchedule | None, str, Anchor | None, str, int | None]:
    """(MAC keys, their source, anchor, anchor status, keychain epoch)."""
    log_id = str(public["log_id"])
    schedule: KeySchedule | None = None
    source = "none"
    if verifier is not None:
        schedule, source = KeySchedule(0, verifier.seed0), "verifier"
    if keystore is None:
        return schedule, source, None, "unavailable", None
    try:
        keys = load_keys(keystore, log_id)
    except KeychainError as error:
        log.warning("no keychain key state for this ledger: %s", error.message)
        return schedule, source, None, "missing", None
    if schedule is None:
        seed0 = load_seed0(keystore, log_id)
        if seed0 is not None:
            schedule, source = KeySchedule(0, seed0), "seed0"
        else:
            schedule, source = KeySchedule(keys.epoch, keys.seed), "current"
    status = "ok" if keys.anchor is not None else "none"
    return schedule, source, keys.anchor, status, keys.epoch


def _size(segment: Segment) -> int:
    try:
        return segment.path.stat().st_size
    except FileNotFoundError:
        return 0


def deleted_finding(
    paths: HardenerPaths,
    public: Mapping[str, object],
    anchor: Anchor | None,
    segments: list[Segment],
) -> Finding:
    """The log was enrolled (public values, maybe a keychain anchor) but no record is left."""
    if not paths.ledger_dir.exists():
        what = f"the ledger directory {paths.ledger_dir} is gone"
    elif segments:
        what = f"only empty segment files remain in {paths.ledger_dir}"
    else:
        what = f"every segment of {paths.ledger_dir} is gone"
    proof = f"{paths.public_dir / 'ledger.json'} shows log {public['log_id']} was enrolled"
    if public.get("created"):
        proof += f" on {public['created']}"
    if anchor is not None:
        proof += f"; the keychain anchor names checkpoint seq {anchor.seq} (head {anchor.head})"
    return Finding(
        Reason.DELETED,
        None if anchor is None else anchor.seq,
        f"the ledger was deleted: {what}; {proof}",
        expected=None if anchor is None else anchor.head,
    )


def _first_seq(segment: Segment) -> int | None:
    if segment.first_seq is not None:
        return segment.first_seq
    record = parse(first_line(segment.path) or b"")
    return None if record is None else record.seq


@dataclass(frozen=True)
class VerifyOptions:
    full: bool = False
    keystore: KeyStore | None = None
    verifier: VerifierFile | None = None
    now: float | None = None
    stale_after: float | None = None
    save_cache: bool = True
    max_records: int | None = None


def verify_ledger(
    paths: HardenerPaths,
    *,
    full: bool = False,
    keystore: KeyStore | None = None,
    verifier: VerifierFile | None = None,
    now: float | None = None,
    stale_after: float | None = None,
    save_cache: bool = True,
    max_records: int | None = None,
) -> VerifyReport:
    """Verify the ledger (incrementally unless ``full``); raises only when it cannot verify.

    ``max_records`` bounds the work (root's ``status`` over a huge ledger with no recent cache):
    past it the report is ``incomplete``, without a verdict.
    """
    options = VerifyOptions(full, keystore, verifier, now, stale_after, save_cache, max_records)
    report = _verify_once(paths, options)
    if report.finding is not None and report.writer_active:
        # the sealer may have rotated a segment under our feet: look once more
        report = _verify_once(paths, options)
    return report


def _verify_once(paths: HardenerPaths, options: VerifyOptions) -> VerifyReport:
    public = require_public(paths)
    log_id = str(public["log_id"])
    verifier = options.verifier
    if verifier is not None and verifier.log_id != log_id:
        raise UsageError(f"the verifier file is for log {verifier.log_id}, this ledger is {log_id}")
    schedule, source, anchor, anchor_status, key_epoch = _keys(public, options.keystore, verifier)
    active = writer_active(paths.ledger_dir)
    segments = list_segments(paths.ledger_dir)
    first_key = verifier.first_key if verifier is not None else str(public["first_key"])
    report = VerifyReport(
        log_id, str(public.get("fingerprint", "")), "all", source, anchor_status, anchor, active
    )
    if anchor_status == "missing":
        report.notes.append(
            f"the keychain holds no key state for log {log_id} (deleted or replaced keychain "
            "item?): MACs and the truncation anchor were not checked, only the chain and the "
            "checkpoint signatures; the agent refuses to seal until the item is back"
        )
    if not any(_size(segment) for segment in segments):
        report.finding = deleted_finding(paths, public, anchor, segments)
        return report
    start: tuple[int, int, int, ChainState | None] = (0, 0, 1, None)
    cache_file = paths.ledger_dir / VERIFIED
    if not options.full:
        resumed = _resume(cache_file, log_id, segments)
        report.mode = "incremental"
        if isinstance(resumed, Finding):
            report.finding = resumed
            return report
        if resumed is not None:
            start = resumed
        else:
            report.notes.append("no usable verification cache: verified every segment")
    check = Verifier(
        log_id=log_id, keys=schedule, first_key=first_key, state=start[3], anchor=anchor
    )
    firsts, torn, torn_line = _feed(check, segments, start, report, options.max_records)
    if report.incomplete:
        report.records = check.records
        report.from_seq = check.first_seq
        report.notes.append(f"stopped after {check.records} record(s), before the head")
        return report
    finding = check.finish(
        torn=torn,
        torn_line=torn_line,
        writer_active=active,
        now=options.now,
        stale_after=options.stale_after,
        keychain_epoch=key_epoch,
    )
    report.finding = finding
    report.records = check.records
    report.from_seq = check.first_seq
    report.last_seq = check.state.next_seq - 1 if check.state.next_seq else None
    report.head = check.state.prev
    report.macs_checked = check.macs_checked
    report.macs_unverifiable = check.macs_unverifiable
    report.signatures = check.signatures
    # a ledger_break stays in the cached state, so resuming after it reports it again
    resumable = finding is None or check.finding_is_break
    if resumable and options.save_cache and check.last_signed is not None:
        snap = check.last_signed
        write_state(
            cache_file,
            {
                "v": 1,
                "log_id": log_id,
                "segment_first_seq": firsts.get(snap.position.segment),
                "line": snap.position.line,
                "offset": snap.position.offset,
                "length": snap.length,
                "head": snap.head,
                "state": snap.state.to_dict(),
            },
        )
    return report


def _feed(
    check: Verifier,
    segments: list[Segment],
    start: tuple[int, int, int, ChainState | None],
    report: VerifyReport,
    max_records: int | None = None,
) -> tuple[dict[str, int | None], bytes, int | None]:
    """Feed every line from the start position; returns first seqs, torn tail and its line."""
    start_index, start_offset, start_line, state = start
    firsts: dict[str, int | None] = {}
    torn, torn_line = b"", None
    chosen = segments[start_index:]
    for index, segment in enumerate(chosen):
        resume = index == 0 and state is not None
        firsts[segment.name] = _first_seq(segment)
        offset, line_no = (start_offset, start_line) if resume else (0, 1)
        end = check.feed_segment(
            segment.name,
            iter_lines(segment.path, offset, line_no),
            last=index == len(chosen) - 1,
            resume=resume,
            max_records=max_records,
        )
        if end.stopped:
            report.incomplete = True
            return firsts, torn, torn_line
        torn, torn_line = end.torn, end.torn_line
        report.segments += 1
        if check.done:
            break
    return firsts, torn, torn_line


def _resume(
    cache_file: Path, log_id: str, segments: list[Segment]
) -> tuple[int, int, int, ChainState] | Finding | None:
    """Where the last verification stopped, after re-hashing that checkpoint line."""
    cache = read_json(cache_file)
    if cache is None or cache.get("log_id") != log_id or cache.get("v") != 1:
        return None
    try:
        first_seq = int(cache["segment_first_seq"])
        offset, length, line = int(cache["offset"]), int(cache["length"]), int(cache["line"])
        state = ChainState.from_dict(cache["state"])
        head = str(cache["head"])
    except (KeyError, TypeError, ValueError):
        return None
    for index, segment in enumerate(segments):
        named = segment.name == archive_name(first_seq)
        if named or (segment.active and _first_seq(segment) == first_seq):
            data = read_line_at(segment.path, offset, length)
            if line_hash(data) != head:
                return Finding(
                    Reason.REPLACED,
                    state.next_seq - 1,
                    "the checkpoint verified last time is no longer in the ledger as it was",
                    segment.name,
                    line,
                    head,
                    line_hash(data),
                )
            return index, offset + length, line + 1, state
    return None  # pruned or rotated away: verify everything
