"""Literal secrets in entries, and managed allowlists that match by command (pure + file loading)."""

from __future__ import annotations

import json

import pytest

from hardener.clients.managed import (
    ManagedRules,
    claude_code_commands,
    codex_identities,
    codex_requirements_path,
    wrap_blocked,
)
from hardener.clients.secrets import literal_secrets, looks_literal_secret
from hardener.engine.managed import load_managed_rules
from hardener.paths import OS, Platform


@pytest.mark.parametrize(
    ("key", "value", "literal"),
    [
        ("GITHUB_PERSONAL_ACCESS_TOKEN", "ghp_EXAMPLE", True),
        ("GITHUB_PERSONAL_ACCESS_TOKEN", "${env:GITHUB_TOKEN}", False),
        ("GITHUB_PERSONAL_ACCESS_TOKEN", "$GITHUB_TOKEN", False),
        ("API_KEY", "%API_KEY%", False),
        ("Authorization", "Bearer ${API_KEY}", False),
        ("Authorization", "Bearer hf_abcdefgh", True),
        ("Authorization", "Bearer ${{ secrets.DOCS_TOKEN }}", False),
        ("PERPLEXITY_API_KEY", "${input:perplexity-key}", False),
        ("BRAVE_API_KEY", "BSA-EXAMPLE-0123", True),
        ("DATABASE_URL", "postgresql://localhost/dev", False),
        ("DATABASE_URL", "postgresql://admin:hunter2@db/prod", True),
        ("LOG_LEVEL", "debug-verbose-mode", False),
        ("OPENAI_KEY", "sk-proj-abcdefghijkl", True),
        ("PASSWORD", "short", False),
    ],
)
def test_literal_secret_detection(key, value, literal):
    assert looks_literal_secret(key, value) is literal


def test_literal_secrets_names_keys_never_values():
    entry = {
        "env": {"TOKEN": "abcdefghijklmnop", "HOME": "/home/a"},
        "headers": {"X-Api-Key": "0123456789"},
    }
    found = literal_secrets(entry, ("env", "headers"))
    assert found == ["env.TOKEN", "headers.X-Api-Key"]
    assert "abcdefghijklmnop" not in repr(found)
    assert literal_secrets("not an entry", ("env",)) == []


WRAPPED = [
    "/opt/h/hardener-shim",
    "--client",
    "claude-code",
    "--server",
    "fs",
    "--",
    "npx",
    "-y",
    "x",
]


def test_claude_code_command_allowlist_blocks_wrapping():
    rules = ManagedRules(claude_code_commands=(("npx", "-y", "x"),))
    assert "serverCommand" in (wrap_blocked(rules, "claude-code", "fs", WRAPPED) or "")
    assert wrap_blocked(rules, "cursor", "fs", WRAPPED) is None
    allowed = ManagedRules(claude_code_commands=(tuple(WRAPPED),))
    assert wrap_blocked(allowed, "claude-code", "fs", WRAPPED) is None
    assert wrap_blocked(ManagedRules(), "claude-code", "fs", WRAPPED) is None


def test_claude_code_commands_parsing():
    docs = [
        {"allowedMcpServers": [{"serverName": "a"}, {"serverUrl": "https://x/*"}]},
        {"allowedMcpServers": [{"serverCommand": ["npx", "-y", "x"]}]},
        "junk",
    ]
    assert claude_code_commands(docs) == (("npx", "-y", "x"),)
    assert claude_code_commands([{"allowedMcpServers": [{"serverName": "a"}]}]) is None


def test_codex_identity_blocks_wrapping():
    identities = codex_identities(
        {"mcp_servers": {"context7": {"identity": {"command": "npx"}}, "x": {}}}
    )
    assert set(identities) == {"context7"}
    rules = ManagedRules(codex_identities=identities)
    argv = ["/opt/h/hardener-shim", "--client", "codex", "--server", "context7", "--", "npx"]
    assert "requirements.toml" in (wrap_blocked(rules, "codex", "context7", argv) or "")
    assert wrap_blocked(rules, "codex", "other", argv) is None
    executable = ManagedRules(
        codex_identities={"s": {"command": {"executable": "uvx", "args": []}}}
    )
    assert wrap_blocked(executable, "codex", "s", argv) is not None


def test_system_paths():
    assert str(codex_requirements_path(Platform(OS.LINUX, {}))) == "/etc/codex/requirements.toml"
    win = Platform(OS.WINDOWS, {"ProgramData": "D:\\PD"})
    assert str(codex_requirements_path(win)) == "D:\\PD\\OpenAI\\Codex\\requirements.toml"


def test_load_managed_rules_from_files(tmp_path):
    cc = tmp_path / "claude-code"
    (cc / "managed-settings.d").mkdir(parents=True)
    (cc / "managed-settings.json").write_text(
        json.dumps({"deniedMcpServers": [{"serverName": "x"}]})
    )
    (cc / "managed-settings.d" / "10-mcp.json").write_text(
        json.dumps({"allowedMcpServers": [{"serverCommand": ["npx", "-y", "x"]}]})
    )
    req = tmp_path / "requirements.toml"
    req.write_text('[mcp_servers.context7.identity]\ncommand = "npx"\n')
    rules = load_managed_rules(Platform(OS.LINUX, {}), claude_code_dir=cc, codex_requirements=req)
    assert rules.claude_code_commands == (("npx", "-y", "x"),)
    assert rules.codex_identities == {"context7": {"command": "npx"}}
    assert len(rules.sources) == 3


def test_unparsable_managed_settings_are_treated_as_restrictive(tmp_path):
    (tmp_path / "managed-settings.json").write_text("{ not json")
    rules = load_managed_rules(
        Platform(OS.LINUX, {}), claude_code_dir=tmp_path, codex_requirements=tmp_path / "none.toml"
    )
    assert rules.claude_code_commands == ()
    assert wrap_blocked(rules, "claude-code", "fs", WRAPPED) is not None
