"""Managed exact-command allowlists per client: Claude Code, Copilot CLI and VS Code (Copilot)."""

from __future__ import annotations

import json

import pytest

from hardener.cli.policy_allowlist import admitted, snippet
from hardener.clients.managed import (
    ManagedRules,
    claude_code_managed_dir,
    copilot_managed_settings_path,
    wrap_blocked,
)
from hardener.engine.managed import load_managed_rules
from hardener.engine.scan import scan
from hardener.paths import OS, Platform
from tests.support.fixture_home import context, harden, install, snapshot

NPX = ["npx", "-y", "@modelcontextprotocol/server-filesystem", "/home/dev/src"]


def wrapped(client: str, server: str, argv: list[str]) -> list[str]:
    return ["/opt/h/hardener-shim", "--client", client, "--server", server, "--", *argv]


@pytest.mark.parametrize(
    ("os_", "env", "expected"),
    [
        (OS.LINUX, {}, "/etc/github-copilot/managed-settings.json"),
        (
            OS.MACOS,
            {},
            "/Library/Application Support/GitHubCopilot/managed-settings.json",
        ),
        (
            OS.WINDOWS,
            {"ProgramFiles": "D:\\PF"},
            "D:\\PF\\GitHubCopilot\\managed-settings.json",
        ),
        (OS.LINUX, {"HARDENER_MANAGED_ROOT": "/sandbox"}, None),
    ],
)
def test_copilot_managed_settings_paths(os_, env, expected):
    path = str(copilot_managed_settings_path(Platform(os_, env)))
    if expected is None:
        assert path == "/sandbox/etc/github-copilot/managed-settings.json"
        assert str(claude_code_managed_dir(Platform(os_, env))) == "/sandbox/etc/claude-code"
    else:
        assert path == expected


@pytest.mark.parametrize("client", ["copilot-cli", "vscode", "vscode-insiders"])
def test_copilot_allowlist_applies_to_copilot_clients(client):
    rules = ManagedRules(copilot_commands=(tuple(NPX),))
    reason = wrap_blocked(rules, client, "fs", wrapped(client, "fs", NPX), NPX)
    assert reason is not None
    assert "blocked by allowlist" in reason
    assert f"--client {client}" in reason
    admitted_wrapped = ManagedRules(copilot_commands=(tuple(wrapped(client, "fs", NPX)),))
    assert wrap_blocked(admitted_wrapped, client, "fs", wrapped(client, "fs", NPX), NPX) is None
    # Claude Code's allowlist does not govern Copilot clients, and vice versa
    assert wrap_blocked(rules, "claude-code", "fs", wrapped("claude-code", "fs", NPX), NPX) is None
    other = ManagedRules(claude_code_commands=(tuple(NPX),))
    assert wrap_blocked(other, client, "fs", wrapped(client, "fs", NPX), NPX) is None


@pytest.mark.parametrize("client", ["claude-code", "copilot-cli"])
def test_a_denied_command_is_never_wrapped_past_the_denylist(client):
    rules = ManagedRules(claude_code_denied=(tuple(NPX),), copilot_denied=(tuple(NPX),))
    reason = wrap_blocked(rules, client, "fs", wrapped(client, "fs", NPX), NPX)
    assert reason is not None
    assert "deniedMcpServers" in reason
    assert (
        wrap_blocked(rules, client, "fs", wrapped(client, "fs", ["uvx", "x"]), ["uvx", "x"]) is None
    )


def test_a_server_the_allowlist_does_not_admit_is_reported_as_such():
    rules = ManagedRules(claude_code_commands=(("uvx", "other"),))
    reason = wrap_blocked(rules, "claude-code", "fs", wrapped("claude-code", "fs", NPX), NPX)
    assert reason is not None
    assert "not on the list" in reason


def test_load_reads_copilot_settings_denylist_and_exclusive_file(tmp_path):
    cc = tmp_path / "claude-code"
    cc.mkdir()
    (cc / "managed-settings.json").write_text(
        json.dumps({"deniedMcpServers": [{"serverCommand": ["npx", "bad"]}]})
    )
    (cc / "managed-mcp.json").write_text('{"mcpServers": {}}')
    copilot = tmp_path / "managed-settings.json"
    copilot.write_text(
        json.dumps(
            {
                "allowedMcpServers": [
                    {"serverUrl": "https://api.githubcopilot.com/*"},
                    {"serverCommand": ["npx", "@playwright/mcp@latest"]},
                ],
                "deniedMcpServers": [{"serverCommand": ["npx", "evil"]}],
            }
        )
    )
    rules = load_managed_rules(
        Platform(OS.LINUX, {}),
        claude_code_dir=cc,
        codex_requirements=tmp_path / "none.toml",
        copilot_settings=copilot,
    )
    assert rules.claude_code_commands is None
    assert rules.claude_code_denied == (("npx", "bad"),)
    assert rules.claude_code_exclusive == str(cc / "managed-mcp.json")
    assert rules.allowlist("vscode") == (("npx", "@playwright/mcp@latest"),)
    assert rules.denylist("copilot-cli") == (("npx", "evil"),)
    assert rules.allowlist_files["copilot-cli"] == str(copilot)
    assert str(copilot) in rules.sources


def test_unparsable_copilot_settings_are_restrictive(tmp_path):
    copilot = tmp_path / "managed-settings.json"
    copilot.write_text("{ nope")
    rules = load_managed_rules(
        Platform(OS.LINUX, {}),
        claude_code_dir=tmp_path / "cc",
        codex_requirements=tmp_path / "none.toml",
        copilot_settings=copilot,
    )
    assert rules.allowlist("copilot-cli") == ()
    assert rules.claude_code_exclusive is None


def test_copilot_cli_harden_leaves_allowlisted_server_and_policy_prints_it(tmp_path):
    install(tmp_path, ["copilot-cli"])
    rules = ManagedRules(copilot_commands=(tuple(NPX),))
    ctx = context(tmp_path, managed=rules)
    before = snapshot(tmp_path)
    outcomes = harden(ctx, ctx.locations(["copilot-cli"]), dry_run=True)
    changed = {c.name for o in outcomes for c in o.plan.changes}
    assert "filesystem" not in changed
    blocked = {f.server for o in outcomes for f in o.plan.findings if f.kind == "managed_block"}
    assert "filesystem" in blocked
    assert snapshot(tmp_path) == before
    servers = admitted(ctx, "copilot-cli", [])
    assert [s.name for s in servers] == ["filesystem"]
    assert servers[0].original == NPX
    assert servers[0].wrapped[-len(NPX) :] == NPX
    document = snippet(servers + servers)
    assert document == {"allowedMcpServers": [{"serverCommand": servers[0].wrapped}]}
    # once the administrator allows the wrapped argv, harden wraps the server
    allowed = ManagedRules(copilot_commands=(tuple(NPX), tuple(servers[0].wrapped)))
    ctx = context(tmp_path, managed=allowed)
    outcomes = harden(ctx, ctx.locations(["copilot-cli"]), dry_run=True)
    assert "filesystem" in {c.name for o in outcomes for c in o.plan.changes}
    assert admitted(ctx, "copilot-cli", []) == []


def test_exclusive_managed_mcp_json_is_reported_on_user_files(tmp_path):
    install(tmp_path, ["claude-code"])
    ctx = context(tmp_path, managed=ManagedRules(claude_code_exclusive="/etc/claude-code/x.json"))
    findings = [f for f in scan(ctx, ["claude-code"]).findings() if f.kind == "managed_exclusive"]
    assert findings
    assert all(f.severity == "info" for f in findings)
    assert "loads only its servers" in findings[0].message
