"""VS Code's own MCP allowlist policy (``ChatAllowedMcpServers``, setting
``chat.mcp.allowedServers``, VS Code 1.130+) end to end with the real ``hardener``: the policy
file sits at its real path under a sandbox root (``HARDENER_MANAGED_ROOT`` stands in for ``/``:
``etc/vscode/policy.json``, where VS Code reads policies on Linux; array policies are JSON text).

A server admitted by name stays admitted once wrapped, so it is wrapped; one admitted by its exact
command is left alone and reported blocked by the allowlist until the value printed by
``hardener policy allowlist --client vscode`` is deployed; one the policy does not admit at all is
left alone. The macOS managed-preferences plist is read the same way.
"""

from __future__ import annotations

import json
import plistlib
from pathlib import Path

from hardener.clients.managed import ServerMatchers
from hardener.engine.managed import load_managed_rules
from hardener.paths import Platform
from tests.support.managed_cli import ADMITTED, OTHER, hardener, servers_of

NAMED = ["uvx", "mcp-server-time"]
DOCUMENT = {
    "servers": {
        "docs": {"type": "stdio", "command": ADMITTED[0], "args": ADMITTED[1:]},
        "named": {"type": "stdio", "command": NAMED[0], "args": NAMED[1:]},
        "fetch": {"type": "stdio", "command": OTHER[0], "args": OTHER[1:]},
    }
}
POLICY = [
    {"serverName": "named"},
    {"serverUrl": "https://mcp.example.com/*"},
    {"serverCommand": ADMITTED},
]


def _sandbox(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """A home with the user's VS Code ``mcp.json`` and the managed root for ``policy.json``."""
    home, root = tmp_path / "home", tmp_path / "root"
    config = home / ".config" / "Code" / "User" / "mcp.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps(DOCUMENT, indent=2) + "\n")
    policy = root / "etc" / "vscode" / "policy.json"
    policy.parent.mkdir(parents=True)
    return home, root, config, policy


def test_vscode_policy_allowlist_by_name_and_by_command(tmp_path):
    home, root, config, policy = _sandbox(tmp_path)
    policy.write_text(json.dumps({"ChatAllowedMcpServers": json.dumps(POLICY)}, indent=2))
    original = config.read_bytes()

    report = json.loads(hardener(home, root, "scan", "--json", "--client", "vscode").stdout)
    states = {name: s["state"] for name, s in servers_of(report, "vscode").items()}
    assert states == {"docs": "blocked", "fetch": "blocked", "named": "unwrapped"}
    blocks = {f["server"]: f["message"] for f in report["findings"] if f["kind"] == "managed_block"}
    assert "ChatAllowedMcpServers admits this server by its exact command" in blocks["docs"]
    assert "hardener policy allowlist --client vscode" in blocks["docs"]
    assert "does not admit this server" in blocks["fetch"]

    harden = hardener(home, root, "harden", "--client", "vscode")
    assert harden.returncode in (0, 1), harden.stderr
    servers = json.loads(config.read_text())["servers"]
    assert servers["docs"] == DOCUMENT["servers"]["docs"]
    assert servers["fetch"] == DOCUMENT["servers"]["fetch"]
    assert Path(servers["named"]["command"]).name.startswith("hardener-shim")

    printed = hardener(home, root, "policy", "allowlist", "--client", "vscode", "--json")
    assert printed.returncode == 0, printed.stderr
    vscode = json.loads(printed.stdout)["vscode_policy"]
    assert vscode["file"] == str(policy)
    assert [s["name"] for s in vscode["servers"]] == ["docs"]
    value = json.loads(vscode["snippet"]["ChatAllowedMcpServers"])
    assert {"serverName": "named"} in value
    assert {"serverCommand": ADMITTED} in value  # the existing entries are kept
    (added,) = [e["serverCommand"] for e in value if e.get("serverCommand", ADMITTED) != ADMITTED]
    assert added[-len(ADMITTED) :] == ADMITTED
    human = hardener(home, root, "policy", "allowlist", "--client", "vscode")
    assert "ChatAllowedMcpServers" in human.stderr
    assert json.loads(human.stdout) == vscode["snippet"]  # stdout: the value alone

    # the administrator deploys the printed value
    policy.write_text(json.dumps(vscode["snippet"], indent=2))
    harden = hardener(home, root, "harden", "--client", "vscode")
    assert harden.returncode in (0, 1), harden.stderr
    docs = json.loads(config.read_text())["servers"]["docs"]
    assert [docs["command"], *docs["args"]] == added
    assert json.loads(config.read_text())["servers"]["fetch"] == DOCUMENT["servers"]["fetch"]

    restore = hardener(home, root, "restore", "--client", "vscode")
    assert restore.returncode == 0, restore.stderr
    assert config.read_bytes() == original


def test_vscode_deny_policy_keeps_a_denied_command_unwrapped(tmp_path):
    home, root, config, policy = _sandbox(tmp_path)
    policy.write_text(json.dumps({"ChatDeniedMcpServers": json.dumps([{"serverCommand": OTHER}])}))
    harden = hardener(home, root, "harden", "-v", "--client", "vscode")
    assert harden.returncode in (0, 1), harden.stderr
    servers = json.loads(config.read_text())["servers"]
    assert servers["fetch"] == DOCUMENT["servers"]["fetch"]
    assert servers["docs"]["command"] != ADMITTED[0]
    assert "ChatDeniedMcpServers" in harden.stdout + harden.stderr


def test_the_macos_managed_preferences_plist_and_an_unreadable_policy(tmp_path):
    plist = tmp_path / "com.microsoft.VSCode.plist"
    plist.write_bytes(plistlib.dumps({"ChatAllowedMcpServers": json.dumps(POLICY)}))
    rules = load_managed_rules(Platform.current(), vscode_policy=plist)
    assert rules.vscode_allowed == ServerMatchers(
        frozenset({"named"}), ("https://mcp.example.com/*",), (tuple(ADMITTED),)
    )
    assert str(plist) in rules.sources
    broken = tmp_path / "policy.json"
    broken.write_text("{not json")
    restrictive = load_managed_rules(Platform.current(), vscode_policy=broken)
    assert restrictive.vscode_allowed == ServerMatchers()  # admits nothing: nothing is wrapped
