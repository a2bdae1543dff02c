"""Administrator (managed) policies of other clients that match servers by command (L1 pure core).

Wrapping changes a server's launch command, so an allowlist that matches commands stops matching
and the client blocks the server:

- Claude Code ``managed-settings.json`` (and ``managed-settings.d/*.json``): ``allowedMcpServers``
  entries ``{"serverCommand": [exact argv]}``; once any exists, a stdio server must match one.
- Codex ``requirements.toml``: ``[mcp_servers.<name>.identity]`` pins a server's command.
- Windsurf's team whitelist lives with the team admin, not on this machine (a note, not a check).

This module holds the system paths and the pure decision; the engine reads the files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardener.paths import OS, Platform


def claude_code_managed_dir(platform: Platform) -> Path:
    if platform.os is OS.MACOS:
        return platform.path("/Library/Application Support/ClaudeCode")
    if platform.os is OS.WINDOWS:
        return platform.path("C:\\Program Files\\ClaudeCode")
    return platform.path("/etc/claude-code")


def codex_requirements_path(platform: Platform) -> Path:
    if platform.os is OS.WINDOWS:
        base = (
            platform.env.get("ProgramData") or platform.env.get("PROGRAMDATA") or "C:\\ProgramData"
        )
        return platform.path(base, "OpenAI", "Codex", "requirements.toml")
    return platform.path("/etc/codex/requirements.toml")


@dataclass(frozen=True)
class ManagedRules:
    """What the administrators' policies found on this machine say about server commands."""

    #: Claude Code ``serverCommand`` allowlist (None: no command allowlist in force)
    claude_code_commands: tuple[tuple[str, ...], ...] | None = None
    #: Codex ``requirements.toml`` identities by server name
    codex_identities: Mapping[str, Any] = field(default_factory=dict)
    #: the files the rules came from, for messages
    sources: tuple[str, ...] = ()


def claude_code_commands(documents: Sequence[Any]) -> tuple[tuple[str, ...], ...] | None:
    """The ``serverCommand`` argvs of every ``allowedMcpServers`` list in managed settings."""
    commands: list[tuple[str, ...]] = []
    seen_allowlist = False
    for document in documents:
        allowed = document.get("allowedMcpServers") if isinstance(document, dict) else None
        if not isinstance(allowed, list):
            continue
        for item in allowed:
            argv = item.get("serverCommand") if isinstance(item, dict) else None
            if isinstance(argv, list) and all(isinstance(a, str) for a in argv):
                seen_allowlist = True
                commands.append(tuple(argv))
    return tuple(commands) if seen_allowlist else None


def codex_identities(document: Any) -> dict[str, Any]:
    """``mcp_servers.<name>.identity`` tables of a parsed ``requirements.toml``."""
    servers = document.get("mcp_servers") if isinstance(document, dict) else None
    if not isinstance(servers, dict):
        return {}
    return {
        name: value["identity"]
        for name, value in servers.items()
        if isinstance(value, dict) and isinstance(value.get("identity"), dict)
    }


def _identity_command(identity: Mapping[str, Any]) -> str | None:
    command = identity.get("command")
    if isinstance(command, str):
        return command
    if isinstance(command, dict) and isinstance(command.get("executable"), str):
        return str(command["executable"])
    executable = identity.get("executable")
    return executable if isinstance(executable, str) else None


def wrap_blocked(
    rules: ManagedRules, client: str, server: str, wrapped_argv: Sequence[str]
) -> str | None:
    """Why wrapping this server would make a managed policy block it, or None."""
    commands = rules.claude_code_commands
    if client == "claude-code" and commands is not None and tuple(wrapped_argv) not in commands:
        return (
            "Claude Code managed settings allow stdio servers by exact command "
            "(allowedMcpServers.serverCommand); the wrapped command would not match and "
            "Claude Code would block the server. Ask your administrator to allow the "
            "wrapped command."
        )
    if client == "codex" and server in rules.codex_identities:
        identity = rules.codex_identities[server]
        command = _identity_command(identity) if isinstance(identity, Mapping) else None
        if command is not None and command != (wrapped_argv[0] if wrapped_argv else None):
            return (
                f"Codex requirements.toml pins the identity of '{server}' to the command "
                f"'{command}'; the wrapped command would not match and Codex would disable the "
                "server. Ask your administrator to update the identity."
            )
    return None
