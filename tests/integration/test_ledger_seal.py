"""Sealing through the real keychain: enroll, seal SpoolWriter files, verify, tamper, recover."""

from __future__ import annotations

import json
import os
import stat
import time

import pytest

from hardener.errors import StateDirError
from hardener.ledger.audit import verify_ledger
from hardener.ledger.chain.findings import Reason
from hardener.ledger.query import iter_records
from hardener.ledger.sealing.sealer import Sealer
from hardener.ledger.sealkeys import load_keys
from hardener.ledger.store import ACTIVE, list_segments, read_public

from .ledger_support import (  # noqa: F401 - fixtures
    Clock,
    keystore_fixture,
    paths_fixture,
    sealed_events,
    settings,
    write_session,
)

pytestmark = pytest.mark.keychain


def seal_all(paths, keystore, pol=None, **kw):
    with Sealer(paths, pol or settings(), keystore, **kw) as sealer:
        sealed = sealer.seal_pending()
    return sealed


def verify(paths, keystore, **kw):
    return verify_ledger(paths, keystore=keystore, now=time.time(), stale_after=600, **kw)


def test_enroll_seal_and_verify(paths, keystore):
    writers = [write_session(paths, 20) for _ in range(3)]
    assert seal_all(paths, keystore, settings(ledger__checkpoint_records=7)) == 3 * 42
    # every session sealed in order, then its spool file removed
    events = sealed_events(paths)
    for writer in writers:
        ns = [e["n"] for _, e in events if e["session"] == writer.session]
        assert ns == list(range(42))
    assert list(paths.spool_dir.iterdir()) == []
    report = verify(paths, keystore, full=True)
    assert report.finding is None, report.finding
    assert report.macs_checked == report.records
    assert report.mac_keys == "seed0"
    assert report.anchor is not None
    assert report.anchor.seq == report.last_seq  # close() ends with an anchored checkpoint
    assert report.signatures >= 18
    public = read_public(paths)
    assert public is not None
    assert public["fingerprint"].startswith("SHA256:")
    assert "seed" not in json.dumps(public)
    if os.name != "nt":
        assert stat.S_IMODE(paths.public_dir.stat().st_mode) == 0o755
        assert stat.S_IMODE((paths.public_dir / "ledger.json").stat().st_mode) == 0o644
        assert stat.S_IMODE(paths.ledger_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE(paths.state_dir.stat().st_mode) == 0o700
        for name in os.listdir(paths.ledger_dir):
            assert stat.S_IMODE((paths.ledger_dir / name).stat().st_mode) == 0o600, name
        assert stat.S_IMODE(paths.spool_dir.stat().st_mode) == 0o700


def test_a_flipped_byte_is_found(paths, keystore):
    write_session(paths, 30)
    seal_all(paths, keystore)
    ledger = paths.ledger_dir / ACTIVE
    data = bytearray(ledger.read_bytes())
    at = data.index(b"query 17")
    data[at + 6] ^= 0x01
    ledger.write_bytes(bytes(data))
    report = verify(paths, keystore, full=True)
    assert report.finding is not None
    assert report.finding.reason is Reason.MODIFIED
    line_no = data[:at].count(b"\n") + 1
    assert report.finding.line == line_no
    assert report.finding.seq == line_no - 1
    assert report.finding.expected != report.finding.computed


def test_truncation_is_caught_by_the_keychain_anchor(paths, keystore):
    write_session(paths, 10)
    seal_all(paths, keystore)
    ledger = paths.ledger_dir / ACTIVE
    lines = ledger.read_bytes().splitlines(keepends=True)
    ledger.write_bytes(b"".join(lines[:-3]))
    report = verify(paths, keystore, full=True)
    assert report.finding is not None
    assert report.finding.reason is Reason.TRUNCATED
    assert report.finding.seq == len(lines) - 3


def test_a_torn_tail_is_cut_on_start_with_a_recovery_record(paths, keystore):
    write_session(paths, 5)
    seal_all(paths, keystore)
    ledger = paths.ledger_dir / ACTIVE
    with open(ledger, "ab") as handle:
        handle.write(b'{"v":1,"seq":99,"ts":"2026-')
    report = verify(paths, keystore, full=True)
    assert report.finding is not None
    assert report.finding.reason is Reason.TORN
    write_session(paths, 2)
    seal_all(paths, keystore)
    records = list(iter_records(paths.ledger_dir))
    recovery = [r for r in records if r.kind == "recovery"]
    assert len(recovery) == 1
    assert recovery[0].body_json()["dropped_bytes"] == len(b'{"v":1,"seq":99,"ts":"2026-')
    assert verify(paths, keystore, full=True).finding is None


def test_epochs_evolve_and_missed_epochs_are_closed_on_restart(paths, keystore):
    clock = Clock(time.time())
    pol = settings(ledger__epoch_seconds=10)
    write_session(paths, 3)
    with Sealer(paths, pol, keystore, clock=clock) as sealer:
        sealer.seal_pending()
        clock.now += 11
        sealer.tick()
        write_session(paths, 3)
        sealer.seal_pending()
    log_id = read_public(paths)["log_id"]
    assert load_keys(keystore, log_id).epoch == 1
    clock.now += 45  # the daemon was down for four more epochs
    with Sealer(paths, pol, keystore, clock=clock) as sealer:
        sealer.tick()
    closes = [r.body_json() for r in iter_records(paths.ledger_dir) if r.kind == "epoch_close"]
    assert [(c["epoch"], c["through"]) for c in closes] == [(0, 0), (1, 4)]
    assert load_keys(keystore, log_id).epoch == 5
    assert verify(paths, keystore, full=True).finding is None


def test_rotation_and_incremental_verify(paths, keystore):
    pol = settings(ledger__segment_bytes=8192, ledger__checkpoint_records=10)
    for _ in range(4):
        write_session(paths, 15)
    seal_all(paths, keystore, pol)
    segments = list_segments(paths.ledger_dir)
    assert len(segments) > 3
    assert segments[-1].name == ACTIVE
    full = verify(paths, keystore, full=True)
    assert full.finding is None, full.finding
    assert full.segments == len(segments)
    write_session(paths, 3)
    seal_all(paths, keystore, pol)
    incremental = verify(paths, keystore)
    assert incremental.mode == "incremental"
    assert incremental.finding is None, incremental.finding
    assert 0 < incremental.records < full.records
    # a whole archived segment disappears
    segments[1].path.unlink()
    report = verify(paths, keystore, full=True)
    assert report.finding is not None
    assert report.finding.reason is Reason.SEGMENT_MISSING
    assert report.finding.seq == segments[1].first_seq


def test_retention_prunes_whole_segments_and_says_so(paths, keystore):
    clock = Clock(time.time())
    pol = settings(ledger__segment_bytes=8192, ledger__retention_days=1)
    for _ in range(3):
        write_session(paths, 15)
    seal_all(paths, keystore, pol, clock=clock)
    before = list_segments(paths.ledger_dir)
    clock.now += 2 * 86400
    with Sealer(paths, pol, keystore, clock=clock) as sealer:
        sealer.tick()
    after = list_segments(paths.ledger_dir)
    assert [s.name for s in after] == [ACTIVE]
    prunes = [r.body_json() for r in iter_records(paths.ledger_dir) if r.kind == "prune"]
    assert prunes[0]["segments"] == [s.name for s in before[:-1]]
    report = verify(paths, keystore, full=True)
    assert report.finding is None, report.finding


def test_a_second_sealer_is_refused(paths, keystore):
    with (
        Sealer(paths, settings(), keystore),
        pytest.raises(StateDirError, match="another hardener process"),
    ):
        Sealer(paths, settings(), keystore)


class Crash(BaseException):
    """Stands for the process dying at this point."""


@pytest.mark.parametrize("where", ["before_rename", "after_rename", "empty_segment"])
def test_a_rotation_cut_short_is_finished_on_start(paths, keystore, monkeypatch, where):
    import hardener.ledger.writer as writer_module

    real_rename = writer_module.finish_rotation
    real_open_body = writer_module.LedgerWriter.open_body

    def rename(ledger_dir, archive):
        if where == "before_rename":
            raise Crash
        real_rename(ledger_dir, archive)
        if where == "after_rename":
            raise Crash

    def open_body(self, **kw):
        if where == "empty_segment" and not kw.get("genesis"):
            raise Crash
        return real_open_body(self, **kw)

    pol = settings(ledger__segment_bytes=8192)
    sealer = Sealer(paths, pol, keystore)
    monkeypatch.setattr(writer_module, "finish_rotation", rename)
    monkeypatch.setattr(writer_module.LedgerWriter, "open_body", open_body)
    write_session(paths, 30)
    with pytest.raises(Crash):
        sealer.seal_pending()
    sealer.writer.abort()  # the process is gone: its lock and files with it
    sealer._lock.release()
    monkeypatch.undo()
    if (paths.ledger_dir / ACTIVE).exists():
        with (paths.ledger_dir / ACTIVE).open("ab") as handle:
            handle.write(b'{"v":1,"se')  # and a torn write on top
    seal_all(paths, keystore, pol)
    report = verify(paths, keystore, full=True)
    assert report.finding is None, report.finding
    events = sealed_events(paths)
    counts: dict[tuple[str, int], int] = {}
    for _, event in events:
        key = (event["session"], event["n"])
        counts[key] = counts.get(key, 0) + 1
    assert set(counts.values()) == {1}
    assert len(counts) == 62
    assert list(paths.spool_dir.iterdir()) == []


def test_malformed_lines_torn_tails_and_dead_writers(paths, keystore):
    import hashlib

    from hardener.spool import SpoolWriter

    writer = SpoolWriter(paths, client="cursor", server="fs")
    writer.emit("session.start", {"pid": os.getpid()})
    with open(writer.path, "ab") as handle:
        handle.write(b'{"v":1,"kind":"tool.call", this is not json}\n')
    writer.emit("tool.call", {"tool": "read", "arguments": {}})
    torn = b'{"v":1,"kind":"tool.result","ts":"2026'
    with open(writer.path, "ab") as handle:
        handle.write(torn)
    writer.close()
    alive = {"yes": True}
    opts = {"dead_after": 0.0, "alive": lambda pid, started: alive["yes"]}
    assert seal_all(paths, keystore, **opts) == 3  # the torn line of a live writer waits
    assert writer.path.exists()
    events = [e for _, e in sealed_events(paths)]
    anomaly = events[1]
    assert anomaly["kind"] == "protocol.anomaly"
    raw = b'{"v":1,"kind":"tool.call", this is not json}'
    assert anomaly["body"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert anomaly["body"]["size_bytes"] == len(raw)
    alive["yes"] = False  # the shim was killed
    assert seal_all(paths, keystore, **opts) == 2
    events = [e for _, e in sealed_events(paths)]
    assert events[-2]["kind"] == "protocol.anomaly"
    assert events[-2]["body"]["sha256"] == hashlib.sha256(torn).hexdigest()
    assert events[-1]["kind"] == "session.end"
    assert events[-1]["body"]["detail"] == "writer_gone"
    assert not writer.path.exists()
    assert seal_all(paths, keystore, **opts) == 0
    assert verify(paths, keystore, full=True).finding is None
