"""``hardener daemon stop``: what package removal uses to stop each user's agent (real processes)."""

from __future__ import annotations

import json

import pytest

from hardener.daemon.lock import is_locked
from tests.support.daemon import run_hardener, sandbox_env, start_daemon

pytestmark = pytest.mark.slow


@pytest.fixture
def home(tmp_path):
    path = tmp_path / "home"
    path.mkdir()
    return path


def test_stop_ends_the_running_agent_cleanly(home):
    daemon = start_daemon(home, env=sandbox_env(home, keychain=False))
    try:
        daemon.wait_ready()
        result = run_hardener(home, "daemon", "stop", "--timeout", "60", env=daemon.env)
        assert result.returncode == 0, result.stderr
        assert f"agent (pid {daemon.proc.pid}) stopped" in result.stderr
        # exited by itself (SIGTERM path: final heartbeat written), not killed by the helper
        assert daemon.proc.wait(timeout=10) == 0
        beat = json.loads((daemon.paths.public_dir / "status.json").read_text())
        assert beat["state"] == "stopped"
    finally:
        daemon.stop()
    assert is_locked(daemon.paths.runtime_dir) == (False, None)


def test_stop_without_an_agent_is_a_no_op(home):
    result = run_hardener(home, "daemon", "stop", env=sandbox_env(home, keychain=False))
    assert result.returncode == 0
    assert "not running" in result.stderr


def test_stop_never_signals_a_pid_planted_in_a_free_lock(home, tmp_path):
    # A lock file naming some other process, with nobody holding the lock: nothing is signalled.
    env = sandbox_env(home, keychain=False)
    run_dir = home / ".local" / "state" / "hardener" / "run"
    run_dir.mkdir(parents=True, mode=0o700)
    other = tmp_path / "other"
    other.mkdir()
    victim = start_daemon(other, env=sandbox_env(other, keychain=False))
    try:
        victim.wait_ready()
        (run_dir / "daemon.lock").write_text(f"{victim.proc.pid}\n")
        result = run_hardener(home, "daemon", "stop", env=env)
        assert result.returncode == 0
        assert victim.proc.poll() is None
    finally:
        assert victim.stop() == 0
