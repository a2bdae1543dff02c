"""``hardener-hook`` as the real subprocess a client runs, and ``hardener hooks`` on real files,
with drift repair by the real agent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from hardener.policy import load_schema
from tests.support.daemon import run_hardener, sandbox_env, start_daemon, wait_until

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "hooks"
HOOK = [sys.executable, "-m", "hardener.hooks"]
EVENT_SCHEMA = load_schema("event.schema.json")


def run_hook(
    env: dict[str, str], client: str, data: bytes, *extra: str
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*HOOK, "--client", client, *extra],
        input=data,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )


def spooled(home: Path) -> list[dict[str, object]]:
    spool = home / ".local" / "state" / "hardener" / "spool"
    events = []
    for path in sorted(spool.glob("*.jsonl"), key=lambda p: p.stat().st_mtime_ns):
        assert path.stat().st_mode & 0o777 == 0o600
        lines = path.read_bytes().splitlines()
        assert len(lines) == 1  # one event per hook run: the file is finished once written
        events.append(json.loads(lines[0]))
    return sorted(events, key=lambda e: str(e["ts"]))


@pytest.mark.parametrize(
    ("client", "fixture", "event", "kind"),
    [
        ("claude-code", "claude-code-2.1.332-PreToolUse.json", None, "hook.call"),
        ("claude-code", "claude-code-2.1.332-PostToolUse.json", None, "hook.result"),
        ("claude-code", "claude-code-2.1.332-PostToolUseFailure.json", None, "hook.result"),
        ("cursor", "cursor-beforeMCPExecution.json", None, "hook.call"),
        ("cursor", "cursor-afterMCPExecution.json", None, "hook.result"),
        ("copilot-cli", "copilot-cli-preToolUse.json", "preToolUse", "hook.call"),
        ("copilot-cli", "copilot-cli-postToolUse.json", "postToolUse", "hook.result"),
        ("codex", "codex-PreToolUse.json", None, "hook.call"),
    ],
)
def test_the_hook_records_one_valid_redacted_event_and_lets_the_call_go(
    tmp_path, client, fixture, event, kind
):
    home = tmp_path / "home"
    home.mkdir()
    env = sandbox_env(home, keychain=False)
    done = run_hook(
        env, client, (FIXTURES / fixture).read_bytes(), *(["--event", event] if event else [])
    )
    assert done.returncode == 0, done.stderr
    assert b"deny" not in done.stdout
    (recorded,) = spooled(home)
    jsonschema.validate(recorded, EVENT_SCHEMA)
    assert recorded["kind"] == kind
    assert recorded["client"] == client
    assert "ghp_" not in json.dumps(recorded)  # the shim's redaction, before the disk
    assert recorded["body"]["mcp"] is True


def test_enforce_mode_denies_a_denied_tool_in_the_clients_own_format(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    policy = home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text('mode = "enforce"\n[tools]\ndeny = ["get_current_time"]\n')
    env = sandbox_env(home, keychain=False)
    done = run_hook(
        env, "claude-code", (FIXTURES / "claude-code-2.1.332-PreToolUse.json").read_bytes()
    )
    assert done.returncode == 0, done.stderr
    decision = json.loads(done.stdout)["hookSpecificOutput"]
    assert decision["permissionDecision"] == "deny"
    cursor = run_hook(env, "cursor", (FIXTURES / "cursor-beforeMCPExecution.json").read_bytes())
    assert json.loads(cursor.stdout)["permission"] == "deny"
    bodies = [e["body"] for e in spooled(home)]
    assert [b["decision"] for b in bodies] == ["deny", "deny"]
    assert bodies[0]["rule"] == "tools.deny:get_current_time"
    # audit mode only notes it
    policy.write_text('[tools]\ndeny = ["get_current_time"]\n')
    audit = run_hook(
        env, "claude-code", (FIXTURES / "claude-code-2.1.332-PreToolUse.json").read_bytes()
    )
    assert audit.stdout == b""
    assert spooled(home)[-1]["body"]["would_deny"] == "tools.deny:get_current_time"


def test_bad_input_never_blocks_and_is_recorded_as_an_anomaly(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = sandbox_env(home, keychain=False)
    done = run_hook(env, "claude-code", b"{not json")
    assert (done.returncode, done.stdout) == (0, b"")
    assert b"hardener-hook: warning" in done.stderr
    (anomaly,) = spooled(home)
    assert anomaly["kind"] == "protocol.anomaly"
    unwritable = sandbox_env(
        home, keychain=False, HOME="/nonexistent/home", XDG_STATE_HOME="/proc/hardener-no"
    )
    blocked = run_hook(
        unwritable, "claude-code", (FIXTURES / "claude-code-2.1.332-PreToolUse.json").read_bytes()
    )
    assert (blocked.returncode, blocked.stdout) == (0, b"")
    assert run_hook(env, "", b"{}").returncode == 2


def test_install_uninstall_byte_exact_and_the_agent_repairs_a_removed_hook(tmp_path):
    if sys.platform == "linux" and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        if os.environ.get("CI"):
            pytest.fail("CI must run this under dbus-run-session with gnome-keyring")
        pytest.skip("no session D-Bus; run the suite through scripts/test")
    home = tmp_path / "home"
    settings = home / ".claude" / "settings.json"
    settings.parent.mkdir(parents=True)
    original = b'{\r\n\t"model": "opus",\r\n\t"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]}\r\n}'
    settings.write_bytes(original)
    os.chmod(settings, 0o640)
    policy = home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    # sweeps (and repairs) every second; cursor's hooks are required by policy
    policy.write_text('[daemon]\nheartbeat_seconds = 1\n[hooks]\nrequired = ["cursor"]\n')
    env = sandbox_env(home)
    done = run_hardener(home, "hooks", "install", "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    jsonschema.validate(report, load_schema("hooks.schema.json"))
    by_client = {t["client"]: t for t in report["targets"]}
    assert by_client["claude-code"]["status"] == "changed"
    assert by_client["cursor"]["state"] == "client_absent"  # not installed: left alone
    assert settings.stat().st_mode & 0o777 == 0o640
    text = settings.read_text()
    assert '"say done"' in text
    assert "hardener-hook" in text
    assert run_hardener(home, "hooks", "install", env=env).stdout.count("(unchanged)") == 1
    assert run_hardener(home, "hooks", "status", env=env).returncode == 0

    daemon = start_daemon(home, env=env)
    try:
        daemon.wait_ready()
        cursor = home / ".cursor" / "hooks.json"
        cursor.parent.mkdir()  # Cursor appears: the policy requires its hooks
        wait_until(cursor.exists, what="the agent installing the hooks the policy requires")
        assert "beforeMCPExecution" in json.loads(cursor.read_text())["hooks"]
        settings.write_bytes(original)  # a client rewrites its settings without the hook
        wait_until(
            lambda: b"hardener-hook" in settings.read_bytes(),
            what="the agent putting the hook back",
        )
        ledger = daemon.paths.ledger_dir / "ledger.jsonl"
        drift = wait_until(
            lambda: [
                r
                for r in map(json.loads, ledger.read_text().splitlines())
                if r["kind"] == "hooks.install" and r["body"]["event"]["body"]["reason"] == "drift"
            ],
            what="the sealed hooks.install (drift) record",
        )
        assert drift[0]["body"]["event"]["body"]["file"] == str(settings)
    finally:
        assert daemon.stop() == 0, daemon.stderr()
    assert run_hardener(home, "hooks", "uninstall", env=env).returncode == 0
    assert settings.read_bytes() == original  # byte for byte
    assert run_hardener(home, "hooks", "status", env=env).returncode == 1
