"""The real agent process: handshake, single instance, clean SIGTERM, logs, no keychain."""

from __future__ import annotations

import json
import os
import signal
import stat

import jsonschema
import pytest

from hardener.policy import load_schema
from hardener.spool import SpoolWriter
from tests.support.daemon import run_hardener, sandbox_env, start_daemon

pytestmark = pytest.mark.slow


@pytest.fixture
def home(tmp_path):
    path = tmp_path / "home"
    path.mkdir()
    return path


def test_agent_starts_beats_and_stops_cleanly_on_sigterm(home):
    daemon = start_daemon(home)
    try:
        beat = daemon.wait_ready()
        jsonschema.validate(beat, load_schema("heartbeat.schema.json"))
        public = daemon.paths.public_dir
        assert stat.S_IMODE(public.stat().st_mode) == 0o755
        assert stat.S_IMODE((public / "status.json").stat().st_mode) == 0o644
        log = daemon.paths.logs_dir / "daemon.log"
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
        assert stat.S_IMODE(daemon.paths.state_dir.stat().st_mode) == 0o700
        status = run_hardener(home, "daemon", "status", "--json", env=daemon.env)
        assert status.returncode == 0, status.stderr
        document = json.loads(status.stdout)
        jsonschema.validate(document, load_schema("daemon-status.schema.json"))
        assert document["running"] is True
        assert document["pid"] == daemon.proc.pid
    finally:
        code = daemon.stop(signal.SIGTERM)
    assert code == 0, daemon.stderr()
    assert daemon.orphans() == []
    final = daemon.heartbeat()
    assert final is not None
    assert final["state"] == "stopped"
    assert "agent stopped" in daemon.stderr()
    after = run_hardener(home, "daemon", "status", env=daemon.env)
    assert after.returncode == 3
    assert "not running" in after.stdout


def test_sigint_also_stops_cleanly(home):
    daemon = start_daemon(home)
    try:
        daemon.wait_ready()
    finally:
        code = daemon.stop(signal.SIGINT)
    assert code == 0, daemon.stderr()


def test_second_instance_names_the_holder_and_exits_3(home):
    daemon = start_daemon(home)
    try:
        daemon.wait_ready()
        second = run_hardener(home, "daemon", "run", env=daemon.env)
        assert second.returncode == 3
        assert f"pid {daemon.proc.pid}" in second.stderr
        assert daemon.proc.poll() is None
    finally:
        assert daemon.stop() == 0


def test_without_a_keychain_the_agent_runs_reports_and_leaves_the_spool_alone(home):
    env = sandbox_env(home, keychain=False)
    daemon = start_daemon(home, env=env)
    with SpoolWriter(daemon.paths, client="cursor", server="x") as writer:  # what a shim writes
        writer.emit("session.start", {"pid": os.getpid(), "transport": "stdio"})
        pending = writer.path
    line = pending.read_bytes()
    try:
        beat = daemon.wait_ready()
        assert beat["sealing"]["ok"] is False
        assert "keychain" in beat["sealing"]["problem"]
        assert beat["sealing"]["spool"]["files"] >= 1
    finally:
        assert daemon.stop() == 0
    assert pending.read_bytes() == line
    assert "cannot seal the audit log" in daemon.stderr()
    status = run_hardener(home, "status", "--json", env=env)
    assert status.returncode == 1
    checks = {c["id"]: c for c in json.loads(status.stdout)["checks"]}
    assert checks["keystore.backend"]["result"] == "fail"


def test_run_once_exits_by_itself(home):
    result = run_hardener(home, "daemon", "run", "--once", env=sandbox_env(home, keychain=False))
    assert result.returncode == 0, result.stderr


def test_agent_records_the_login_shell_path_for_the_shims(home):
    # After an MDM rollout nobody runs 'hardener harden': the agent hardens, from the service
    # manager's minimal environment, so it is the one that records the login shell's PATH.
    login_bin = home / "login-bin"
    login_bin.mkdir()
    (home / ".profile").write_text(f'PATH="{login_bin}:$PATH"; export PATH\n')
    from hardener.shim import settings as shim_settings
    from hardener.shim.locate import locate

    env = sandbox_env(home, SHELL="/bin/sh")
    daemon = start_daemon(home, env=env)
    try:
        daemon.wait_ready()
        assert str(login_bin) in shim_settings.read_login_path(locate(env))
    finally:
        daemon.stop()
