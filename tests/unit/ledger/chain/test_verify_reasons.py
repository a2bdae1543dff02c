"""Each kind of tampering is reported with its reason, its seq and its place (pure verifier)."""

from __future__ import annotations

import pytest

from hardener.ledger.chain.build import make_line
from hardener.ledger.chain.findings import Anchor, Reason
from hardener.ledger.chain.keys import KeySchedule, evolve, mac_key
from hardener.ledger.chain.record import line_hash, parse
from tests.support.ledger_factory import BASE, LOG_ID, SEED0, build, verify_segments

B = build(24, checkpoint_every=4, epoch_every=10, segment_every=9)


def run(segments, *, keys=True, anchor=B.anchor, first_key=B.first_key, **kw):
    return verify_segments(
        segments,
        log_id=LOG_ID,
        keys=B.keys() if keys else None,
        first_key=first_key,
        anchor=anchor,
        **kw,
    )[1]


def edit(change):
    """Apply ``change(lines)`` to the flattened lines, keeping each line in its segment."""
    flat = [(i, line) for i, (_, lines) in enumerate(B.segments) for line in lines]
    lines = [line for _, line in flat]
    segs = [i for i, _ in flat]
    new_lines, new_segs = change(lines, segs)
    out = []
    for index, (name, _) in enumerate(B.segments):
        out.append(
            (name, b"".join(x for x, s in zip(new_lines, new_segs, strict=True) if s == index))
        )
    return out


def test_intact():
    assert run(B.data()) is None
    assert run(B.data(), keys=False) is None


def test_modified():
    def flip(lines, segs):
        lines[6] = lines[6].replace(b'"i":4', b'"i":5')
        return lines, segs

    finding = run(edit(flip))
    assert (finding.reason, finding.seq, finding.line) == (Reason.MODIFIED, 6, 7)
    assert finding.segment == "ledger-000000000000.jsonl"
    assert finding.expected != finding.computed


def test_forged_by_someone_without_the_key():
    """A record replaced and the chain after it rebuilt: every MAC made with a guessed key."""

    def forge(lines, segs):
        wrong = b"\x07" * 32
        prev = line_hash(lines[4])
        for i in range(5, len(lines)):
            r = parse(lines[i])
            lines[i] = make_line(
                seq=r.seq,
                ts=r.ts,
                log_id=r.log_id,
                epoch=r.epoch,
                kind=r.kind,
                prev=prev,
                body=r.body,
                key=wrong,
            )
            prev = line_hash(lines[i])
        return lines, segs

    finding = run(edit(forge))
    assert (finding.reason, finding.seq) == (Reason.FORGED, 5)
    public = run(edit(forge), keys=False)  # no MAC keys: the checkpoint signatures catch it
    assert public.reason in (Reason.FORGED, Reason.REPLACED)


def test_missing_reordered_inserted():
    def delete(lines, segs):
        return lines[:3] + lines[4:], segs[:3] + segs[4:]

    def swap(lines, segs):
        lines[3], lines[6] = lines[6], lines[3]
        return lines, segs

    def duplicate(lines, segs):
        return [*lines[:5], lines[2], *lines[5:]], [*segs[:5], segs[5], *segs[5:]]

    def junk(lines, segs):
        return [*lines[:5], b"hello\n", *lines[5:]], [*segs[:5], segs[5], *segs[5:]]

    def replay_later(lines, segs):
        return [*lines[:5], lines[8], *lines[5:]], [*segs[:5], segs[5], *segs[5:]]

    assert (run(edit(delete)).reason, run(edit(delete)).seq) == (Reason.MISSING, 3)
    assert (run(edit(swap)).reason, run(edit(swap)).seq) == (Reason.REORDERED, 3)
    for change in (duplicate, junk, replay_later):
        finding = run(edit(change))
        assert (finding.reason, finding.seq) == (Reason.INSERTED, 5), change.__name__


def test_truncated_and_torn():
    name, data = B.data()[-1]
    lines = data.splitlines(keepends=True)
    cut = [*B.data()[:-1], (name, b"".join(lines[:-2]))]
    last = B.anchor.seq
    assert (run(cut).reason, run(cut).seq) == (Reason.TRUNCATED, last - 1)
    torn = [*B.data()[:-1], (name, b"".join(lines[:-1]) + lines[-1][:30])]
    assert (run(torn).reason, run(torn).seq) == (Reason.TORN, last)


def test_a_missing_segment():
    segments = B.data()
    del segments[1]
    finding = run(segments)
    assert finding.reason is Reason.SEGMENT_MISSING
    assert finding.seq == int(B.segments[1][0][7:19])


def test_replaced_by_another_copy():
    other = Anchor(B.anchor.seq, "00" * 32)
    assert run(B.data(), anchor=other).reason is Reason.REPLACED
    assert run(B.data(), first_key="11" * 32).reason is Reason.REPLACED


def test_stale_tail():
    fresh = build(6, checkpoint_every=4, final_checkpoint=False)
    now = BASE + 10_000
    finding = verify_segments(
        fresh.data(),
        log_id=LOG_ID,
        keys=fresh.keys(),
        first_key=fresh.first_key,
        now=now,
        stale_after=600,
    )[1]
    assert finding.reason is Reason.STALE
    assert finding.seq == fresh.anchor.seq + 1
    assert (
        verify_segments(
            fresh.data(),
            log_id=LOG_ID,
            keys=fresh.keys(),
            first_key=fresh.first_key,
            now=BASE + 60,
            stale_after=600,
        )[1]
        is None
    )


def test_epochs_must_follow_the_closes():
    built = build(12, checkpoint_every=3, epoch_every=5, skip_epochs=2)
    assert run(built.data(), anchor=built.anchor, first_key=built.first_key) is None
    lines = built.data()[-1][1].splitlines(keepends=True)
    r = parse(lines[-2])
    wrong = make_line(
        seq=r.seq,
        ts=r.ts,
        log_id=r.log_id,
        epoch=r.epoch + 1,
        kind=r.kind,
        prev=r.prev,
        body=r.body,
        key=mac_key(evolve(SEED0, r.epoch + 1)),
    )
    lines[-2] = wrong
    segments = [*built.data()[:-1], ("ledger.jsonl", b"".join(lines))]
    finding = verify_segments(segments, log_id=LOG_ID, keys=None, first_key=built.first_key)[1]
    assert (finding.reason, finding.seq) == (Reason.FORGED, r.seq)
    assert "epoch" in finding.message


def test_a_pruned_start_needs_a_prune_record():
    segments = B.data()[2:]
    finding = run(segments)
    assert (finding.reason, finding.seq) == (Reason.SEGMENT_MISSING, 0)


@pytest.mark.parametrize("keys", [None, KeySchedule(0, SEED0)])
def test_counts(keys):
    check, finding = verify_segments(
        B.data(), log_id=LOG_ID, keys=keys, first_key=B.first_key, anchor=B.anchor
    )
    assert finding is None
    assert check.records == len(B.lines())
    assert check.last_signed is not None
    assert check.last_signed.head == B.anchor.head
