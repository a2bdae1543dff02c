"""Bad input around the ledger: each gets a clear message and the right exit code; nothing is lost
or reset. The ledger is made by the real sealer from real spool writers, on the real keychain."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from hardener.errors import HardenerError
from hardener.ledger.sealing.sealer import Sealer
from hardener.ledger.store import ACTIVE
from hardener.spool import SpoolWriter

from .ledger_support import (  # noqa: F401 - fixtures
    keystore_fixture,
    paths_fixture,
    sealed_events,
    settings,
    write_session,
)

pytestmark = pytest.mark.keychain


def _seal(paths, keystore, events: int = 5) -> None:
    write_session(paths, events)
    with Sealer(paths, settings(), keystore) as sealer:
        sealer.seal_pending()


def _files(directory) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def _checks(run_cli) -> dict[str, dict]:
    return {c["id"]: c for c in run_cli("status", "--format", "json").json()["checks"]}


def test_a_corrupt_segment_is_named_and_readers_keep_going(paths, keystore, run_cli):
    _seal(paths, keystore)
    active = paths.ledger_dir / ACTIVE
    lines = active.read_bytes().splitlines(keepends=True)
    lines[3] = b"\x00\xffnot a record at all\n"
    active.write_bytes(b"".join(lines))
    before = _files(paths.ledger_dir)
    verify = run_cli("log", "verify", "--all", "--json")
    assert verify.code == 1
    finding = verify.json()["finding"]
    assert finding["line"] == 4
    assert finding["reason"] in ("inserted", "modified")
    shown = run_cli("log", "show", "--json")
    assert shown.code == 0
    assert shown.json()["count"] == len(lines) - 1  # every other record is still readable
    assert run_cli("alerts", "--json").code == 0
    assert _checks(run_cli)["audit.chain"]["result"] == "fail"
    with pytest.raises(HardenerError):  # the sealer refuses to append to a damaged ledger …
        Sealer(paths, settings(), keystore)
    assert _files(paths.ledger_dir) == before  # … and changes nothing


def test_a_deleted_keychain_item_is_never_a_new_log(paths, keystore, run_cli):
    _seal(paths, keystore)
    public = (paths.public_dir / "ledger.json").read_bytes()
    log_id = json.loads(public)["log_id"]
    keystore.delete(f"ledger/{log_id}/state")
    before = _files(paths.ledger_dir)
    write_session(paths, 2)
    spooled = _files(paths.spool_dir)
    with pytest.raises(HardenerError) as raised:
        Sealer(paths, settings(), keystore)
    assert "keychain" in raised.value.message
    assert (paths.public_dir / "ledger.json").read_bytes() == public  # not re-enrolled
    assert _files(paths.ledger_dir) == before
    assert _files(paths.spool_dir) == spooled  # nothing lost: the spool waits
    verify = run_cli("log", "verify", "--all", "--json")
    report = verify.json()
    assert report["anchor"]["status"] == "missing"
    assert verify.code == 0  # the chain and signatures hold; what could not be checked is said
    assert report["mac_keys"] == "none"
    assert any("no key state" in note for note in report["notes"])
    human = run_cli("log", "verify", "--all")
    assert "deleted or replaced keychain item" in human.stderr
    assert _checks(run_cli)["audit.anchored"]["result"] == "fail"


def test_a_missing_public_dir_is_reported_not_reset(paths, keystore, run_cli):
    _seal(paths, keystore)
    before = _files(paths.ledger_dir)
    public = (paths.public_dir / "ledger.json").read_bytes()
    shutil.rmtree(paths.public_dir)
    verify = run_cli("log", "verify")
    assert verify.code == 3
    assert "public values" in verify.stderr
    assert "'hardener log verify'" not in verify.stderr  # never the command just run
    show = run_cli("log", "show")
    assert show.code == 3
    assert "were deleted" in show.stderr
    chain = _checks(run_cli)["audit.chain"]
    assert chain["result"] == "fail"
    assert "missing but the ledger exists" in chain["detail"]
    assert _files(paths.ledger_dir) == before
    # the agent rebuilds the public values from the genesis record, checked against the keychain
    with Sealer(paths, settings(), keystore) as sealer:
        sealer.seal_pending()
    assert (
        json.loads((paths.public_dir / "ledger.json").read_bytes())["log_id"]
        == json.loads(public)["log_id"]
    )
    assert run_cli("log", "verify", "--all").code == 0


def test_a_spool_line_cut_in_half_is_sealed_as_an_anomaly(paths, keystore, run_cli):
    writer = SpoolWriter(paths, client="cursor", server="github")
    writer.emit("session.start", {"pid": 2**22 + 12345, "transport": "stdio"})  # no such process
    writer.emit("tool.call", {"id": 1, "tool": "search", "arguments": {"q": "x"}})
    writer.close()
    with open(writer.path, "ab") as handle:
        handle.write(b'{"v":1,"kind":"tool.result","ts":"2026-')  # the shim died mid-write
    torn = writer.path.read_bytes()
    with Sealer(paths, settings(), keystore, dead_after=0.0) as sealer:
        sealer.seal_pending()
        assert writer.path.read_bytes() == torn  # never edited, only read
        os.utime(writer.path, (0, 0))  # unchanged for long enough: the writer is gone
        sealer.seal_pending()
    kinds = [event["kind"] for _, event in sealed_events(paths)]
    assert kinds[:2] == ["session.start", "tool.call"]
    assert "protocol.anomaly" in kinds
    assert kinds[-1] == "session.end"
    shown = run_cli("log", "show", "--json", "--kind", "protocol.anomaly").json()
    assert shown["count"] == 1
    assert run_cli("log", "verify", "--all").code == 0


def test_a_ledger_replaced_by_empty_files_is_deleted(paths, keystore, run_cli):
    from hardener.ledger.audit import verify_ledger

    _seal(paths, keystore)
    intact = verify_ledger(paths, full=True, keystore=keystore)
    assert intact.finding is None
    for segment in paths.ledger_dir.glob("*.jsonl"):
        segment.write_bytes(b"")
    result = run_cli("log", "verify", "--json")
    assert result.code == 1
    finding = result.json()["finding"]
    assert finding["reason"] == "deleted"
    assert finding["seq"] == intact.anchor.seq
    assert finding["expected"] == intact.anchor.head
    assert "only empty segment files remain" in finding["message"]
    # without the keychain (root reading public values only) it is still deletion, just unanchored
    public_only = verify_ledger(paths, keystore=None)
    assert public_only.finding is not None
    assert str(public_only.finding.reason) == "deleted"
    assert public_only.finding.seq is None
    # the agent refuses to start a new log over it
    with pytest.raises(HardenerError):
        Sealer(paths, settings(), keystore)


def test_the_daemons_tamper_alert_reaches_hardener_alerts(paths, keystore, run_cli):
    """Real producers: the daemon's ledger self-check raises it, the sealer seals it."""
    from hardener.daemon.selfcheck import LedgerSelfCheck

    write_session(paths, 5)
    with Sealer(paths, settings(), keystore) as sealer:
        sealer.seal_pending()
        sealer.writer.commit(sync=True)
        active = paths.ledger_dir / ACTIVE
        data = active.read_bytes()
        at = data.index(b'"q":"query 1"')
        active.write_bytes(data[:at] + b'"q":"QUERY 1"' + data[at + 13 :])  # same length
        found = LedgerSelfCheck(paths).run()
        assert [body["rule"] for _, body in found] == ["ledger.tampered"]
        for kind, body in found:
            sealer.append(kind, body)
    result = run_cli("alerts", "--json", "--severity", "critical")
    assert result.code == 0
    assert "does not match" not in result.stderr  # every sealed alert is a valid alert
    (alert,) = result.json()["alerts"]
    assert alert["alert"]["rule"] == "ledger.tampered"
    assert alert["alert"]["evidence"][0]["seq"] == alert["alert"]["detail"]["seq"]
