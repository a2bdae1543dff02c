"""``status`` for another user (root/SYSTEM) reads only public state and never follows a link.

The state is made by the real producers (spool writer, sealer with the real keychain, heartbeat
writer); then the user "plants" symlinks, oversized or foreign-owned files and status must refuse
them with a clear reason and never read their targets.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from hardener.daemon.agent import Agent
from hardener.daemon.heartbeat import Heartbeat, HeartbeatWriter
from hardener.keystore import KeyStore
from hardener.ledger.sealing.sealer import Sealer
from hardener.paths import HardenerPaths, Platform
from hardener.policy import EffectivePolicy
from hardener.status.evaluate import evaluate_user
from hardener.status.model import PASS
from hardener.status.sources import ledger_status
from hardener.status.targets import target_for_home
from tests.integration.ledger_support import (
    keystore_fixture,
    paths_fixture,
    settings,
    write_session,
)

__all__ = ["keystore_fixture", "paths_fixture"]

SECRET = "TOP-SECRET-4f1d2e"


def _beat() -> Heartbeat:
    """The heartbeat as the real agent makes it (running, in this process)."""
    agent = Agent(Platform.current(), EffectivePolicy.defaults())
    agent.state.state = "running"
    return agent.heartbeat_document()


@pytest.fixture
def state(paths: HardenerPaths, keystore: KeyStore) -> HardenerPaths:
    write_session(paths, 20)
    with Sealer(paths, settings(), keystore) as sealer:
        sealer.seal_pending()
    HeartbeatWriter(paths).write(_beat(), time.time())
    return paths


def _secret_file(tmp_path: Path, name: str = "secret.json") -> Path:
    # valid JSON that would pass as a heartbeat/ledger.json if it were ever followed
    target = tmp_path / "outside" / name
    target.parent.mkdir(exist_ok=True)
    document = dict(_beat(), log_id=SECRET, first_key=SECRET, note=SECRET)
    target.write_text(json.dumps(document))
    return target


def _as_root(home: Path, tmp_path: Path) -> dict[str, dict[str, object]]:
    """Evaluate ``home`` as a foreign target (what root's ``status --home`` does)."""
    base = Platform(Platform.current().os, {"HOME": str(tmp_path / "mdm")})
    (tmp_path / "mdm").mkdir(exist_ok=True)
    target = target_for_home(base, home)
    assert not target.own
    report = evaluate_user(target, ledger_source=ledger_status)
    text = json.dumps(report.to_json())
    assert SECRET not in text
    checks = report.to_json()["checks"]
    assert isinstance(checks, list)
    return {str(c["id"]): c for c in checks}


def test_public_state_is_read_as_root(state, sandbox_home, tmp_path):
    checks = _as_root(sandbox_home, tmp_path)
    assert checks["agent.running"]["result"] == PASS, checks["agent.running"]
    assert checks["audit.chain"]["result"] == PASS, checks["audit.chain"]
    assert checks["alerts.open"]["result"] == PASS, checks["alerts.open"]


def test_symlinked_heartbeat_is_refused_not_read(state, sandbox_home, tmp_path):
    beat = state.public_dir / "status.json"
    beat.unlink()
    beat.symlink_to(_secret_file(tmp_path))
    checks = _as_root(sandbox_home, tmp_path)
    assert checks["agent.running"]["result"] == "fail"
    assert "symlink" in str(checks["agent.running"]["detail"])
    assert "status.json" in str(checks["agent.running"]["detail"])
    assert checks["alerts.open"]["result"] == "unknown"


def test_symlinked_ledger_public_file_is_refused_not_read(state, sandbox_home, tmp_path):
    public = state.public_dir / "ledger.json"
    public.unlink()
    public.symlink_to(_secret_file(tmp_path))
    checks = _as_root(sandbox_home, tmp_path)
    for check in ("audit.chain", "audit.anchored"):
        assert checks[check]["result"] == "unknown", checks[check]
        assert "symlink" in str(checks[check]["detail"])


def test_symlinked_public_directory_is_refused(state, sandbox_home, tmp_path):
    planted = tmp_path / "outside" / "public"
    planted.mkdir(parents=True)
    for name in ("status.json", "ledger.json"):
        (planted / name).write_text(_secret_file(tmp_path).read_text())
    for child in state.public_dir.iterdir():
        child.unlink()
    state.public_dir.rmdir()
    state.public_dir.symlink_to(planted, target_is_directory=True)
    checks = _as_root(sandbox_home, tmp_path)
    assert checks["agent.running"]["result"] == "fail"
    assert "symlink" in str(checks["agent.running"]["detail"])
    assert checks["audit.chain"]["result"] == "unknown"
    assert "symlink" in str(checks["audit.chain"]["detail"])


def test_symlinked_state_directory_is_refused(state, sandbox_home, tmp_path):
    real = state.state_dir
    moved = tmp_path / "outside" / "state"
    moved.parent.mkdir(parents=True, exist_ok=True)
    real.rename(moved)
    real.symlink_to(moved, target_is_directory=True)
    checks = _as_root(sandbox_home, tmp_path)
    assert checks["agent.running"]["result"] == "fail"
    assert "symlink" in str(checks["agent.running"]["detail"])
    assert "symlink" in str(checks["audit.chain"]["detail"])


def test_symlinked_ledger_segment_is_never_read(state, sandbox_home, tmp_path):
    active = state.ledger_dir / "ledger.jsonl"
    secret = tmp_path / "outside" / "ledger.jsonl"
    secret.parent.mkdir(exist_ok=True)
    secret.write_bytes(active.read_bytes().replace(b"query", SECRET[:5].encode()))
    active.unlink()
    active.symlink_to(secret)
    (state.ledger_dir / "verified.json").unlink(missing_ok=True)
    checks = _as_root(sandbox_home, tmp_path)
    assert checks["audit.chain"]["result"] == "unknown", checks["audit.chain"]
    assert "symlink" in str(checks["audit.chain"]["detail"])


def test_oversized_heartbeat_is_refused(state, sandbox_home, tmp_path):
    beat = state.public_dir / "status.json"
    beat.write_text(json.dumps(dict(_beat(), padding="x" * (2 << 20))))
    checks = _as_root(sandbox_home, tmp_path)
    assert checks["agent.running"]["result"] == "fail"
    assert "bytes" in str(checks["agent.running"]["detail"])


@pytest.mark.skipif(os.name == "nt" or os.geteuid() != 0, reason="chown needs root")
def test_heartbeat_owned_by_someone_else_is_refused(state, sandbox_home, tmp_path):
    beat = state.public_dir / "status.json"
    os.chown(beat, 4242, 4242)
    checks = _as_root(sandbox_home, tmp_path)
    assert checks["agent.running"]["result"] == "fail"
    assert "belongs to uid 4242" in str(checks["agent.running"]["detail"])


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_world_writable_public_file_is_refused(state, sandbox_home, tmp_path):
    public = state.public_dir / "ledger.json"
    os.chmod(public, 0o666)
    checks = _as_root(sandbox_home, tmp_path)
    assert checks["audit.chain"]["result"] == "unknown"
    assert "writable by others" in str(checks["audit.chain"]["detail"])


def test_root_verifies_a_bounded_tail_never_the_whole_ledger(
    state, sandbox_home, tmp_path, monkeypatch
):
    from hardener.ledger.audit import verify_ledger
    from hardener.status import sources

    monkeypatch.setattr(sources, "FOREIGN_MAX_RECORDS", 10)
    # no verification cache yet and more than the bound to verify: unknown, not a full read
    checks = _as_root(sandbox_home, tmp_path)
    for check in ("audit.chain", "audit.anchored"):
        assert checks[check]["result"] == "unknown", checks[check]
        assert "not verified" in str(checks[check]["detail"])
    # the agent's self-check leaves the cache at the last checkpoint: root resumes from there
    verify_ledger(state, save_cache=True)
    checks = _as_root(sandbox_home, tmp_path)
    assert checks["audit.chain"]["result"] == PASS, checks["audit.chain"]
    assert checks["audit.anchored"]["result"] == PASS, checks["audit.anchored"]
