"""Managed exact-command allowlists end to end: real files, the real ``hardener`` in subprocesses.

The administrator's files sit at their real system paths under a sandbox root
(``HARDENER_MANAGED_ROOT`` stands in for ``/``): ``etc/claude-code/managed-settings.json`` and
``etc/github-copilot/managed-settings.json``. ``harden`` must leave the allowlisted server
byte-identical and report it blocked by the allowlist; once the snippet printed by
``hardener policy allowlist`` is added to the managed file, ``harden`` wraps it and the wrapped
argv is exactly the one the snippet admits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.managed_cli import ADMITTED, OTHER, hardener, servers_of

pytestmark = pytest.mark.timeout(120)

CLIENTS: dict[str, tuple[str, dict[str, Any], str]] = {
    # client id -> (user config relative to home, its document, managed file under the root)
    "claude-code": (
        ".claude.json",
        {
            "numStartups": 3,
            "mcpServers": {
                "docs": {"type": "stdio", "command": ADMITTED[0], "args": ADMITTED[1:]},
                "fetch": {"type": "stdio", "command": OTHER[0], "args": OTHER[1:]},
            },
        },
        "etc/claude-code/managed-settings.json",
    ),
    "copilot-cli": (
        ".copilot/mcp-config.json",
        {
            "mcpServers": {
                "docs": {
                    "type": "local",
                    "command": ADMITTED[0],
                    "args": ADMITTED[1:],
                    "tools": ["*"],
                },
                "fetch": {"type": "local", "command": OTHER[0], "args": OTHER[1:], "tools": ["*"]},
            }
        },
        "etc/github-copilot/managed-settings.json",
    ),
}


@pytest.fixture
def machine(tmp_path: Path) -> tuple[Path, Path]:
    home, root = tmp_path / "home", tmp_path / "root"
    home.mkdir()
    root.mkdir()
    return home, root


@pytest.mark.parametrize("client", sorted(CLIENTS))
def test_allowlisted_server_is_left_alone_until_the_wrapped_command_is_allowed(machine, client):
    home, root = machine
    relative, document, managed_relative = CLIENTS[client]
    config = home / relative
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps(document, indent=2) + "\n")
    managed = root / managed_relative
    managed.parent.mkdir(parents=True)
    managed.write_text(
        json.dumps(
            {
                "allowedMcpServers": [
                    {"serverUrl": "https://mcp.example.com/*"},
                    {"serverCommand": ADMITTED},
                ]
            },
            indent=2,
        )
    )
    original = config.read_bytes()

    scan = hardener(home, root, "scan", "--json", "--client", client)
    assert scan.returncode == 1, scan.stderr
    report = json.loads(scan.stdout)
    states = {name: s["state"] for name, s in servers_of(report, client).items()}
    assert states == {"docs": "blocked", "fetch": "blocked"}
    blocks = {f["server"]: f["message"] for f in report["findings"] if f["kind"] == "managed_block"}
    assert "blocked by allowlist" in blocks["docs"]
    assert f"hardener policy allowlist --client {client}" in blocks["docs"]
    assert "not on the list" in blocks["fetch"]

    harden = hardener(home, root, "harden", "-v", "--client", client)
    assert harden.returncode in (0, 1), harden.stderr
    assert "'docs' is not wrapped: blocked by allowlist" in harden.stdout + harden.stderr
    assert config.read_bytes() == original

    printed = hardener(home, root, "policy", "allowlist", "--client", client, "--json")
    assert printed.returncode == 0, printed.stderr
    answer = json.loads(printed.stdout)
    assert answer["allowlist_in_force"] is True
    assert answer["managed_file"] == str(managed)
    assert [s["name"] for s in answer["servers"]] == ["docs"]
    entries = answer["snippet"]["allowedMcpServers"]
    assert len(entries) == 1
    argv = entries[0]["serverCommand"]
    assert argv[-len(ADMITTED) :] == ADMITTED
    assert Path(argv[0]).name.startswith("hardener-shim")
    human = hardener(home, root, "policy", "allowlist", "--client", client)
    assert json.loads(human.stdout) == answer["snippet"]
    assert str(managed) in human.stderr

    # the administrator adds the printed entries to the managed file
    settings = json.loads(managed.read_text())
    settings["allowedMcpServers"] += entries
    managed.write_text(json.dumps(settings, indent=2))

    harden = hardener(home, root, "harden", "--client", client)
    assert harden.returncode in (0, 1), harden.stderr
    assert config.read_bytes() != original
    entry = json.loads(config.read_text())["mcpServers"]["docs"]
    assert [entry["command"], *entry["args"]] == argv
    after = json.loads(hardener(home, root, "scan", "--json", "--client", client).stdout)
    states = {name: s["state"] for name, s in servers_of(after, client).items()}
    assert states == {"docs": "wrapped", "fetch": "blocked"}
    again = json.loads(
        hardener(home, root, "policy", "allowlist", "--client", client, "--json").stdout
    )
    assert again["servers"] == []

    restore = hardener(home, root, "restore", "--client", client)
    assert restore.returncode == 0, restore.stderr
    assert config.read_bytes() == original


def test_denied_server_is_not_wrapped_past_the_denylist(machine):
    home, root = machine
    config = home / ".claude.json"
    config.write_text(json.dumps(CLIENTS["claude-code"][1], indent=2))
    managed = root / "etc/claude-code/managed-settings.json"
    managed.parent.mkdir(parents=True)
    managed.write_text(json.dumps({"deniedMcpServers": [{"serverCommand": OTHER}]}))
    original = config.read_bytes()
    harden = hardener(home, root, "harden", "-v", "--client", "claude-code")
    assert harden.returncode in (0, 1), harden.stderr
    servers = json.loads(config.read_text())["mcpServers"]
    assert servers["fetch"] == CLIENTS["claude-code"][1]["mcpServers"]["fetch"]
    assert servers["docs"]["command"] != "npx"
    assert "deniedMcpServers" in harden.stdout + harden.stderr
    assert hardener(home, root, "restore", "--client", "claude-code").returncode == 0
    assert config.read_bytes() == original


def test_exclusive_managed_mcp_json_is_recognised_and_reported(machine):
    home, root = machine
    (home / ".claude.json").write_text(json.dumps(CLIENTS["claude-code"][1], indent=2))
    exclusive = root / "etc/claude-code/managed-mcp.json"
    exclusive.parent.mkdir(parents=True)
    exclusive.write_text(
        json.dumps({"mcpServers": {"corp": {"command": "npx", "args": ["-y", "corp-mcp"]}}})
    )
    before = exclusive.read_bytes()
    report = json.loads(hardener(home, root, "scan", "--json", "--client", "claude-code").stdout)
    kinds = {f["kind"]: f for f in report["findings"]}
    assert "managed_exclusive" in kinds
    assert str(exclusive) in kinds["managed_exclusive"]["message"]
    corp = servers_of(report, "claude-code")["corp"]
    assert corp["state"] == "unwrapped"
    assert any(f["kind"] == "read_only" and f["server"] == "corp" for f in report["findings"])
    hardener(home, root, "harden", "--client", "claude-code")
    assert exclusive.read_bytes() == before
