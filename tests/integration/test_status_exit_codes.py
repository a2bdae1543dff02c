"""``hardener status`` exit codes against a real agent, a real ledger and the real keychain.

Compliant → 0; one unwrapped server, a tampered ledger, the agent down, no keychain → 1.
"""

from __future__ import annotations

import json
import os
import sys

import pytest

from tests.support.daemon import (
    DaemonProcess,
    run_hardener,
    sandbox_env,
    start_daemon,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.keychain]

CONFIG = (
    '{\n  "mcpServers": {\n    "time": {"command": "uvx", "args": ["mcp-server-time"]}\n  }\n}\n'
)


def _need_keychain() -> None:
    if sys.platform == "linux" and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        if os.environ.get("CI"):
            pytest.fail("CI must run these tests under dbus-run-session with gnome-keyring")
        pytest.skip("no session D-Bus; run the suite through scripts/test")


@pytest.fixture
def agent(tmp_path):
    _need_keychain()
    home = tmp_path / "home"
    config = home / ".cursor" / "mcp.json"
    config.parent.mkdir(parents=True)
    config.write_text(CONFIG)
    env = sandbox_env(home)
    assert run_hardener(home, "harden", "--yes", env=env).returncode == 0
    daemon = start_daemon(home, env=env)
    beat = daemon.wait_ready()
    assert beat["sealing"]["ok"], beat["sealing"]
    yield daemon
    daemon.stop()


def status(daemon: DaemonProcess, *args: str) -> tuple[int, dict[str, object]]:
    result = run_hardener(daemon.home, "status", "--json", *args, env=daemon.env)
    document = json.loads(result.stdout)
    return result.returncode, document


def check(document: dict[str, object], check_id: str) -> dict[str, object]:
    checks = document["checks"]
    assert isinstance(checks, list)
    return next(c for c in checks if c["id"] == check_id)


def test_compliant_machine_exits_0_with_the_ledger_witness(agent):
    code, document = status(agent)
    assert code == 0, [c for c in document["checks"] if c["result"] != "pass"]
    assert document["verdict"] == "compliant"
    ledger = document["ledger"]
    assert ledger["log_id"]
    assert isinstance(ledger["seq"], int)
    assert len(ledger["head"]) == 64
    assert ledger["checkpoint_key_fingerprint"].startswith("SHA256:")
    jamf = run_hardener(agent.home, "status", "--format", "jamf", env=agent.env)
    assert (jamf.returncode, jamf.stdout, jamf.stderr) == (0, "<result>COMPLIANT</result>\n", "")


def test_one_unwrapped_server_exits_1(agent):
    # a project listed by policy whose server stays unwrapped (new servers are only reported)
    project = agent.home / "src" / "app"
    (project / ".cursor").mkdir(parents=True)
    (project / ".cursor" / "mcp.json").write_text(CONFIG)
    code, document = status(agent, "--format", "json")
    assert code == 0  # not a known project yet
    policy = agent.home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(f'new_servers = "report"\n[scan]\nproject_roots = ["{project}"]\n')
    code, document = status(agent)
    assert code == 1
    assert "clients.wrapped" in document["failing"]
    assert "cursor/time" in check(document, "clients.wrapped")["detail"]


def test_tampered_ledger_exits_1(agent):
    assert status(agent)[0] == 0
    agent.stop()
    ledger = agent.paths.ledger_dir / "ledger.jsonl"
    lines = ledger.read_bytes().splitlines(keepends=True)
    assert len(lines) >= 2
    victim = lines[1]
    lines[1] = victim.replace(b'"kind":"', b'"kind":"x', 1) if b'"kind":"' in victim else victim
    assert lines[1] != victim
    ledger.write_bytes(b"".join(lines))
    code, document = status(agent)
    assert code == 1
    assert check(document, "audit.chain")["result"] == "fail"
    assert "TAMPERED" in check(document, "audit.chain")["detail"]


def test_agent_down_exits_1(agent):
    agent.stop()
    code, document = status(agent)
    assert code == 1
    assert check(document, "agent.running")["result"] == "fail"
    assert "stopped" in check(document, "agent.running")["detail"]


def test_no_keychain_exits_1(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = sandbox_env(home, keychain=False)
    daemon = start_daemon(home, env=env)
    try:
        daemon.wait_ready()
        result = run_hardener(home, "status", "--json", env=env)
    finally:
        daemon.stop()
    document = json.loads(result.stdout)
    assert result.returncode == 1
    assert check(document, "keystore.backend")["result"] == "fail"


def test_status_as_root_for_another_home_uses_public_keys_only(agent, tmp_path):
    other = tmp_path / "admin"
    other.mkdir()
    cache = agent.paths.ledger_dir / "verified.json"
    before = cache.stat().st_mtime_ns if cache.exists() else None
    env = sandbox_env(other, keychain=False)
    result = run_hardener(other, "status", "--json", "--home", str(agent.home), env=env)
    document = json.loads(result.stdout)
    assert result.returncode == 0, document["failing"]
    assert document["ledger"]["seq"] is not None
    assert "public keys only" in check(document, "audit.anchored")["detail"]
    # it wrote nothing into the user's ledger directory
    assert (cache.stat().st_mtime_ns if cache.exists() else None) == before


def test_the_ledger_holds_the_agents_drift_events(agent):
    config = agent.home / ".cursor" / "mcp.json"
    tmp = config.with_name("x.tmp")
    tmp.write_text(CONFIG)
    os.replace(tmp, config)
    wait_until(lambda: "hardener-shim" in config.read_text(), what="re-wrapped")

    def sealed_drift() -> bool:
        text = (agent.paths.ledger_dir / "ledger.jsonl").read_text()
        return '"kind":"config.drift"' in text

    wait_until(sealed_drift, what="config.drift sealed in the ledger")
    verify = run_hardener(agent.home, "log", "verify", "--json", env=agent.env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
