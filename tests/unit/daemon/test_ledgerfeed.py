"""Reading sealed records back across segments, resuming where the last read stopped."""

from __future__ import annotations

from hardener.daemon.ledgerfeed import LedgerFeed
from hardener.paths import Platform, hardener_paths
from tests.support.ledger_factory import build


def write(paths, built) -> None:
    paths.ledger_dir.mkdir(parents=True, exist_ok=True)
    for name, data in built.data():
        (paths.ledger_dir / name).write_bytes(data)


def test_feed_reads_every_segment_in_order_and_resumes(sandbox_home):
    paths = hardener_paths(Platform.current())
    built = build(250, checkpoint_every=10, segment_every=100)
    write(paths, built)
    assert len(list(paths.ledger_dir.glob("ledger-*.jsonl"))) == 2
    feed = LedgerFeed(paths)
    records = list(feed(-1))
    seqs = [r["seq"] for r in records]
    assert seqs == sorted(seqs)
    assert seqs == list(range(len(built.lines())))
    calls = [r for r in records if r["kind"] == "tool.call"]
    assert len(calls) == 250
    # the body the detectors see is the sealed event envelope itself
    assert calls[0]["body"]["kind"] == "tool.call"
    assert calls[0]["body"]["body"]["arguments"] == {"i": 0}
    last = seqs[-1]
    assert list(feed(last)) == []
    # a fresh feed (after a restart) finds its place from the segment names
    again = [r["seq"] for r in LedgerFeed(paths)(150)]
    assert again == [s for s in seqs if s > 150]


def test_a_line_being_written_is_left_for_later(sandbox_home):
    paths = hardener_paths(Platform.current())
    built = build(5, checkpoint_every=100)
    write(paths, built)
    active = paths.ledger_dir / "ledger.jsonl"
    lines = built.lines()
    active.write_bytes(b"".join(lines[:-1]) + lines[-1][:-10])
    feed = LedgerFeed(paths)
    assert [r["seq"] for r in feed(-1)] == list(range(len(lines) - 1))
    active.write_bytes(b"".join(lines))
    assert [r["seq"] for r in feed(len(lines) - 2)] == [len(lines) - 1]
