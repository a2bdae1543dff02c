"""Individual checks against a sandbox home: heartbeat liveness, policy, keystore, inventory."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from hardener.daemon.agent import Agent
from hardener.daemon.alertlog import AlertLog
from hardener.daemon.heartbeat import heartbeat_path, write_public
from hardener.paths import Platform, hardener_paths
from hardener.policy import EffectivePolicy
from hardener.status import checks
from hardener.status.inputs import LedgerStatus, ServerInventory, ServerState, StatusInputs
from hardener.status.model import FAIL, PASS, UNKNOWN
from hardener.status.targets import current_target, target_for_home


def beat(**overrides):
    """A heartbeat as the real agent writes it (running, in this process), with overrides."""
    agent = Agent(Platform.current(), EffectivePolicy.defaults())
    agent.state.state = "running"
    document = agent.heartbeat_document()
    # the sealing service never started here: say what a healthy agent's says
    sealing = document["sealing"]
    sealing["ok"], sealing["problem"] = True, None
    sealing["backend"] = "keyring.backends.SecretService.Keyring"
    sealing["backend_real"] = True
    merged: dict[str, Any] = {**document, **overrides}
    return merged


@pytest.fixture
def inputs(sandbox_home):
    def make(heartbeat=None, servers=None, ledger=None, now=None):
        platform = Platform.current()
        paths = hardener_paths(platform)
        if heartbeat is not None:
            paths.public_dir.mkdir(parents=True, exist_ok=True)
            write_public(heartbeat_path(paths), heartbeat)
        return StatusInputs(
            current_target(platform),
            servers_source=(lambda t, p: servers) if servers is not None else None,
            ledger_source=(lambda t, paths, p: ledger) if ledger is not None else None,
            now=now,
        )

    return make


def test_agent_running_passes_for_a_live_fresh_heartbeat(inputs):
    assert checks.agent_running(inputs(beat())).result == PASS


def test_agent_running_fails_without_heartbeat_or_when_stopped(inputs):
    assert checks.agent_running(inputs()).result == FAIL
    check = checks.agent_running(inputs(beat(state="stopped")))
    assert check.result == FAIL
    assert "stopped" in check.detail


def test_agent_running_fails_for_a_dead_pid(inputs):
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    check = checks.agent_running(inputs(beat(pid=proc.pid)))
    assert check.result == FAIL
    assert "gone" in check.detail


def test_agent_running_fails_for_a_reused_pid(inputs):
    check = checks.agent_running(inputs(beat(process_create_time=1.0)))
    assert check.result == FAIL


def test_agent_running_fails_for_a_stale_heartbeat(inputs):
    stale = beat(updated_unix=time.time() - 3600)
    check = checks.agent_running(inputs(stale))
    assert check.result == FAIL
    assert "has not written a heartbeat" in check.detail


def test_agent_version_mismatch_fails(inputs):
    assert checks.agent_version(inputs()).result == PASS
    assert checks.agent_version(inputs(beat(version="0.0.1"))).result == FAIL


def test_invalid_policy_fails_policy_source(inputs, sandbox_home):
    policy = sandbox_home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text('mode = "loud"\n')
    check = checks.policy_source(inputs())
    assert check.result == FAIL
    assert "policy.toml" in check.detail


def test_keystore_uses_the_agents_report(inputs):
    assert checks.keystore_backend(inputs(beat())).result == PASS
    broken = beat(sealing={"ok": False, "problem": "no usable OS keychain", "backend": None})
    check = checks.keystore_backend(inputs(broken))
    assert check.result == FAIL
    assert "no usable OS keychain" in check.detail
    fake = beat(
        sealing={
            "ok": True,
            "problem": None,
            "backend": "keyrings.alt.file.PlaintextKeyring",
            "backend_real": False,
        }
    )
    assert checks.keystore_backend(inputs(fake)).result == FAIL


def test_keystore_of_another_user_without_agent_is_unknown(tmp_path):
    other = tmp_path / "bob"
    other.mkdir()
    target = target_for_home(Platform.current(), other, "bob")
    assert not target.own
    assert checks.keystore_backend(StatusInputs(target)).result == UNKNOWN


def test_clients_wrapped_lists_exceptions(inputs, tmp_path):
    shim = tmp_path / "hardener-shim"
    shim.write_text("#!/bin/sh\n")
    servers = ServerInventory(
        servers=[
            ServerState("cursor", "a", "/c.json", "wrapped", shim=str(shim)),
            ServerState("cursor", "b", "/c.json", "unwrapped"),
            ServerState("cursor", "gone", "/c.json", "wrapped", shim=str(tmp_path / "missing")),
            ServerState("cursor", "c", "/c.json", "remote", exempt=True),
        ],
        installed_shim=str(shim),
    )
    check = checks.clients_wrapped(inputs(servers=servers))
    assert check.result == FAIL
    exceptions = check.data["exceptions"]
    assert isinstance(exceptions, list)
    assert len(exceptions) == 2
    assert "cursor/b" in check.detail
    ok = ServerInventory(servers=[ServerState("cursor", "a", "/c.json", "wrapped", shim=str(shim))])
    assert checks.clients_wrapped(inputs(servers=ok)).result == PASS
    assert checks.clients_wrapped(inputs()).result == UNKNOWN


def test_shim_integrity_compares_hashes(inputs, tmp_path):
    installed = tmp_path / "bin" / "hardener-shim"
    installed.parent.mkdir()
    installed.write_text("#!/bin/sh\nexec shim\n")
    copy = tmp_path / "other" / "hardener-shim"
    copy.parent.mkdir()
    copy.write_text("#!/bin/sh\nexec shim\n")
    servers = [ServerState("cursor", "a", "/c.json", "wrapped", shim=str(copy))]
    inv = ServerInventory(servers=servers, installed_shim=str(installed))
    assert checks.shim_integrity(inputs(servers=inv)).result == PASS
    copy.write_text("#!/bin/sh\nexec evil\n")
    check = checks.shim_integrity(inputs(servers=inv))
    assert check.result == FAIL
    assert "not the installed shim" in check.detail
    missing = ServerInventory(servers=servers, installed_shim=None, shim_error="no shim")
    assert checks.shim_integrity(inputs(servers=missing)).result == FAIL


def test_ledger_checks(inputs):
    good = LedgerStatus(
        True, True, seq=250, head="h", verified_records=50, anchor="ok", anchor_seq=200
    )
    ins = inputs(beat(), ledger=good)
    assert checks.audit_chain(ins).result == PASS
    assert checks.audit_anchored(ins).result == PASS
    assert checks.audit_fresh(ins).result == PASS
    modified = LedgerStatus(True, False, problem="record 17 modified", reason="modified", seq=250)
    check = checks.audit_chain(inputs(ledger=modified))
    assert check.result == FAIL
    assert "TAMPERED" in check.detail
    stale = LedgerStatus(True, True, reason="stale", problem="800 record(s) not anchored")
    assert checks.audit_chain(inputs(ledger=stale)).result == PASS
    assert checks.audit_anchored(inputs(ledger=stale)).result == FAIL
    cut = LedgerStatus(True, False, reason="truncated", problem="anchor says seq 900")
    assert checks.audit_anchored(inputs(ledger=cut)).result == FAIL
    no_anchor = LedgerStatus(True, True, anchor="missing")
    assert checks.audit_anchored(inputs(ledger=no_anchor)).result == FAIL
    torn = LedgerStatus(True, True, reason="torn", seq=3)
    assert checks.audit_chain(inputs(ledger=torn)).result == PASS
    stopped = inputs(beat(state="stopped"), ledger=good)
    assert checks.audit_fresh(stopped).result == FAIL  # no agent sealing
    none = LedgerStatus(False, None)
    assert checks.audit_chain(inputs(ledger=none)).result == FAIL
    assert checks.audit_chain(inputs()).result == UNKNOWN


def test_alerts_are_informational_unless_policy_says(inputs, sandbox_home):
    noted = AlertLog(now=time.time())
    noted.note({"rule": "rug-pull", "severity": "high"}, now=time.time(), seq=7)
    noted.note({"rule": "burst", "severity": "low"}, now=time.time(), seq=8)
    noted.note({"rule": "poisoned-description", "severity": "critical"}, now=time.time(), seq=9)
    alerting = beat(alerts=noted.summary(time.time()))
    check = checks.alerts_open(inputs(alerting))
    assert check.result == FAIL
    assert check.detail.startswith("2 high-severity alert(s) in the last 24 h")
    assert "(poisoned-description, rug-pull)" in check.detail
    assert not check.required
    policy = sandbox_home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text("[status]\nfail_on_open_alerts = true\n")
    assert checks.alerts_open(inputs()).required


def test_a_heartbeat_that_is_not_one_is_refused_naming_the_field(inputs):
    forged = beat(sealing={"ok": "yes", "problem": None})
    check = checks.agent_running(inputs(forged))
    assert check.result == FAIL
    assert "status cache refused" in check.detail
    assert "$.sealing.ok" in check.detail


def test_export_without_targets_passes(inputs):
    assert checks.export_healthy(inputs()).result == PASS


def test_target_for_home_of_this_user_is_own(sandbox_home):
    target = target_for_home(Platform.current(), Path(str(sandbox_home)))
    assert target.own
