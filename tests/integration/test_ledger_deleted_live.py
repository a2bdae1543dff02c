"""The ledger deleted or replaced under a running sealer: put back, sealed as a break, reported.

Real producers throughout: spool files from the real SpoolWriter (and a real shim in front of a
real MCP server), the real sealer on the real keychain, the real agent process, and the real
``log verify`` / ``alerts`` / ``status`` reading what they sealed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from hardener.ledger.audit import verify_ledger
from hardener.ledger.chain.record import LEDGER_BREAK
from hardener.ledger.query import iter_records
from hardener.ledger.sealing.sealer import Sealer
from hardener.ledger.store import ACTIVE, list_segments
from hardener.paths import Platform, hardener_paths
from tests.support.daemon import run_hardener, sandbox_env, start_daemon, wait_until

from .ledger_support import (  # noqa: F401 - fixtures
    keystore_fixture,
    paths_fixture,
    require_keychain,
    sealed_events,
    settings,
    write_session,
)
from .shim_support import TIME_SERVER, shim

pytestmark = pytest.mark.keychain


def _calls(paths) -> list[str]:
    return [
        f"{event['session']}:{event['body']['id']}"
        for _, event in sealed_events(paths)
        if event["kind"] == "tool.call"
    ]


def _breaks(paths) -> list[dict]:
    return [json.loads(r.body) for r in iter_records(paths.ledger_dir) if r.kind == LEDGER_BREAK]


def test_a_deleted_directory_is_put_back_with_every_record_and_sealed_as_a_break(
    paths, keystore, run_cli
):
    with Sealer(paths, settings(ledger__checkpoint_records=5), keystore) as sealer:
        write_session(paths, 3)
        sealer.seal_pending()
        sealer.writer.commit(sync=True)
        before = verify_ledger(paths, full=True, keystore=keystore)
        assert before.finding is None
        head, last = sealer.writer.head, sealer.writer.next_seq - 1
        anchor = sealer.writer.anchor
        shutil.rmtree(paths.ledger_dir)
        write_session(paths, 2)  # spooled after the deletion
        sealer.seal_pending()
        assert sealer.take_breaks()
        assert sealer.take_breaks() == []
    # every event of both sessions is sealed, in one chain from the genesis
    assert len(_calls(paths)) == 5
    (brk,) = _breaks(paths)
    assert brk["reason"] == "directory_deleted"
    assert (brk["last_seq"], brk["head"]) == (last, head)
    assert brk["anchor"] == {"seq": anchor.seq, "head": anchor.head}
    assert brk["lost_before_seq"] is None  # one segment: nothing is gone
    result = run_cli("log", "verify", "--all", "--json")
    assert result.code == 1, result.stderr
    finding = result.json()["finding"]
    assert finding["reason"] == "deleted"
    assert finding["seq"] == anchor.seq
    assert finding["expected"] == anchor.head
    assert "the ledger directory was deleted while the agent was sealing" in finding["message"]
    # incremental verification resumes after the break and still reports it
    assert run_cli("log", "verify", "--json").json()["finding"]["reason"] == "deleted"
    assert run_cli("log", "verify", "--json").json()["finding"]["reason"] == "deleted"
    # the chain itself is whole: every MAC and signature checked, no other finding
    report = verify_ledger(paths, full=True, keystore=keystore)
    assert report.macs_checked == report.records
    assert report.last_seq >= brk["last_seq"] + 2


def test_a_deleted_active_segment_keeps_its_archives(paths, keystore, run_cli):
    small = settings(ledger__segment_bytes=4096, ledger__checkpoint_records=5)
    with Sealer(paths, small, keystore) as sealer:
        write_session(paths, 20)
        sealer.seal_pending()
        archives = [s.name for s in list_segments(paths.ledger_dir) if not s.active]
        assert archives
        (paths.ledger_dir / ACTIVE).unlink()
        write_session(paths, 1)
        sealer.seal_pending()
    kept = [s.name for s in list_segments(paths.ledger_dir) if not s.active]
    assert kept[: len(archives)] == archives  # (the later sealing may rotate once more)
    (brk,) = _breaks(paths)
    assert brk["reason"] == "segment_deleted"
    assert brk["lost_before_seq"] is None
    assert len(_calls(paths)) == 21
    finding = run_cli("log", "verify", "--all", "--json").json()["finding"]
    assert finding["reason"] == "deleted"
    assert "the active segment was deleted" in finding["message"]


def test_a_directory_deleted_with_archives_names_what_is_gone(paths, keystore, run_cli):
    small = settings(ledger__segment_bytes=4096, ledger__checkpoint_records=5)
    with Sealer(paths, small, keystore) as sealer:
        write_session(paths, 20)
        sealer.seal_pending()
        first = sealer.writer.segment_first_seq
        assert first > 0
        shutil.rmtree(paths.ledger_dir)
        write_session(paths, 1, server="late")
        sealer.seal_pending()
    (brk,) = _breaks(paths)
    assert brk["lost_before_seq"] == first
    # the archives are gone (an intruder's deletion), the late session is sealed
    assert any(e["server"] == "late" for _, e in sealed_events(paths) if e["kind"] == "tool.call")
    finding = run_cli("log", "verify", "--all", "--json").json()["finding"]
    assert finding["reason"] == "deleted"  # not merely segment_missing: the break explains it
    assert f"the archived segments before seq {first} are gone" in finding["message"]


def test_a_replaced_active_segment_is_kept_aside_and_never_read(paths, keystore, run_cli):
    with Sealer(paths, settings(), keystore) as sealer:
        write_session(paths, 2)
        sealer.seal_pending()
        active = paths.ledger_dir / ACTIVE
        planted = b"not a ledger\n"
        os.rename(active, paths.ledger_dir / "moved.tmp")
        active.write_bytes(planted)
        write_session(paths, 1)
        sealer.seal_pending()
    (brk,) = _breaks(paths)
    assert brk["reason"] == "segment_replaced"
    aside = paths.ledger_dir / brk["replaced_kept_as"]
    assert aside.read_bytes() == planted
    assert len(_calls(paths)) == 3
    assert run_cli("log", "verify", "--all", "--json").json()["finding"]["reason"] == "deleted"


def _through_the_shim(env: dict[str, str], home) -> None:
    """A real client's messages through the real shim to the real mcp-server-time."""
    lines = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {"name": "get_current_time", "arguments": {"timezone": "UTC"}},
        },
    ]
    data = "".join(json.dumps(m) + "\n" for m in lines)
    proc = subprocess.Popen(
        shim(*TIME_SERVER, client="cursor", server="time"),
        env=env,
        cwd=str(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.write(data)
    proc.stdin.flush()
    for _ in range(2):  # the initialize and the call answers
        assert proc.stdout.readline()
    proc.stdin.close()
    proc.wait(timeout=60)
    proc.stdout.close()
    if proc.stderr is not None:
        proc.stderr.close()


@pytest.mark.slow
def test_the_running_agent_reports_its_own_deleted_ledger(tmp_path):
    require_keychain()
    home = tmp_path / "home"
    home.mkdir()
    env = sandbox_env(home)
    paths = hardener_paths(Platform.current(env))
    daemon = start_daemon(home, env=env)
    try:
        daemon.wait_ready()
        _through_the_shim(env, home)
        wait_until(
            lambda: (
                (paths.ledger_dir / ACTIVE).exists()
                and b'"kind":"tool.call"' in (paths.ledger_dir / ACTIVE).read_bytes()
            ),
            what="the first call sealed",
        )
        shutil.rmtree(paths.ledger_dir)
        _through_the_shim(env, home)  # spooled after the deletion: the sealer notices

        def alerted() -> bool:
            shown = run_hardener(home, "alerts", "--json", env=env)
            return shown.returncode == 0 and any(
                a["alert"]["rule"] == "ledger.tampered" for a in json.loads(shown.stdout)["alerts"]
            )

        wait_until(alerted, what="ledger.tampered in 'hardener alerts'")
        status = run_hardener(home, "status", "--json", env=env)
        checks = {c["id"]: c for c in json.loads(status.stdout)["checks"]}
        assert checks["audit.chain"]["result"] == "fail"
        assert "deleted" in json.dumps(checks["audit.chain"])
    finally:
        assert daemon.stop() == 0, daemon.stderr()
    verify = run_hardener(home, "log", "verify", "--all", "--json", env=env)
    assert verify.returncode == 1
    assert json.loads(verify.stdout)["finding"]["reason"] == "deleted"
    shown = run_hardener(home, "log", "show", "--json", "--kind", "tool.call", env=env)
    calls = [r for r in json.loads(shown.stdout)["records"]]
    assert len(calls) == 2  # the call before and the call after the deletion
    assert "put the active segment back" in daemon.stderr()
