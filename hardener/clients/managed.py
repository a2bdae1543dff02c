"""Administrator (managed) policies of other clients that match servers by command (L1 pure core).

Wrapping changes a server's launch command, so an allowlist that matches commands stops matching
and the client blocks the server:

- Claude Code ``managed-settings.json`` (and ``managed-settings.d/*.json``): ``allowedMcpServers``
  entries ``{"serverCommand": [exact argv]}``; once any exists, a stdio server must match one.
  ``deniedMcpServers`` ``serverCommand`` entries block a server by its exact argv: wrapping a denied
  server would slip it past the denylist, so it is left alone too. A ``managed-mcp.json`` next to
  the settings is *exclusive*: Claude Code then loads only its servers and ignores the user's.
- GitHub Copilot's file-based enterprise ``managed-settings.json`` (``/etc/github-copilot``,
  ``/Library/Application Support/GitHubCopilot``, ``%ProgramFiles%\\GitHubCopilot``), read by
  Copilot CLI and VS Code: the same ``allowedMcpServers`` / ``deniedMcpServers`` ``serverCommand``
  schema as Claude Code.
- VS Code's own enterprise policies ``ChatAllowedMcpServers`` / ``ChatDeniedMcpServers`` (VS Code
  1.130+, settings ``chat.mcp.allowedServers`` / ``chat.mcp.deniedServers``; Linux
  ``/etc/vscode/policy.json``, macOS managed preferences ``com.microsoft.VSCode``): entries match a
  server by ``serverName``, ``serverUrl`` (``*`` wildcards) or exact ``serverCommand`` argv. A name
  entry keeps admitting the wrapped server; a command entry does not.
- Codex ``requirements.toml``: ``[mcp_servers.<name>.identity]`` pins a server's command.
- Windsurf's team whitelist lives with the team admin, not on this machine (a note, not a check).

This module holds the system paths and the pure decision; the engine reads the files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardener.paths import OS, Platform

#: Re-roots the system paths below (an absolute directory); used by tests to stand in for ``/``.
ROOT_ENV = "HARDENER_MANAGED_ROOT"

#: clients whose servers Copilot's enterprise managed settings govern
COPILOT_CLIENTS = frozenset({"copilot-cli", "vscode", "vscode-insiders"})
#: clients VS Code's own enterprise policies (ChatAllowedMcpServers, ChatDeniedMcpServers) govern
VSCODE_CLIENTS = frozenset({"vscode", "vscode-insiders"})
VSCODE_ALLOW_POLICY = "ChatAllowedMcpServers"
VSCODE_DENY_POLICY = "ChatDeniedMcpServers"


def system_path(platform: Platform, path: str) -> Path:
    """A system-wide (MDM/admin) path, re-rooted under ``HARDENER_MANAGED_ROOT`` when set."""
    return _system(platform, path)


def _system(platform: Platform, path: str) -> Path:
    root = platform.env.get(ROOT_ENV, "")
    if root and platform.os is not OS.WINDOWS and root.startswith("/"):
        return platform.path(root, path.lstrip("/"))
    return platform.path(path)


def claude_code_managed_dir(platform: Platform) -> Path:
    if platform.os is OS.MACOS:
        return _system(platform, "/Library/Application Support/ClaudeCode")
    if platform.os is OS.WINDOWS:
        return platform.path("C:\\Program Files\\ClaudeCode")
    return _system(platform, "/etc/claude-code")


def copilot_managed_settings_path(platform: Platform) -> Path:
    """GitHub Copilot's file-based enterprise managed settings (Copilot CLI, VS Code)."""
    if platform.os is OS.MACOS:
        return _system(platform, "/Library/Application Support/GitHubCopilot/managed-settings.json")
    if platform.os is OS.WINDOWS:
        base = platform.env.get("ProgramFiles") or platform.env.get("PROGRAMFILES")
        return platform.path(base or "C:\\Program Files", "GitHubCopilot", "managed-settings.json")
    return _system(platform, "/etc/github-copilot/managed-settings.json")


def vscode_policy_path(platform: Platform) -> Path | None:
    """Where VS Code reads its enterprise policies from a file (None: the Windows registry)."""
    if platform.os is OS.MACOS:
        return _system(platform, "/Library/Managed Preferences/com.microsoft.VSCode.plist")
    if platform.os is OS.WINDOWS:
        return None  # HKLM\Software\Policies\Microsoft\VSCode: not read by this version
    return _system(platform, "/etc/vscode/policy.json")


@dataclass(frozen=True)
class ServerMatchers:
    """One VS Code policy list: servers matched by name, remote URL pattern or exact argv."""

    names: frozenset[str] = frozenset()
    urls: tuple[str, ...] = ()
    commands: tuple[tuple[str, ...], ...] = ()


def server_matchers(value: Any) -> ServerMatchers | None:
    """A policy value (a list, or the JSON text of one, as policy files carry it) as matchers;
    None when absent or not a list (an unreadable list is treated as admitting nothing)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return ServerMatchers()
    if value is None:
        return None
    if not isinstance(value, list):
        return ServerMatchers()
    names: set[str] = set()
    urls: list[str] = []
    commands: list[tuple[str, ...]] = []
    for item in value:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("serverName"), str):
            names.add(item["serverName"])
        elif isinstance(item.get("serverUrl"), str):
            urls.append(item["serverUrl"])
        argv = item.get("serverCommand")
        if isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv):
            commands.append(tuple(argv))
    return ServerMatchers(frozenset(names), tuple(urls), tuple(commands))


def codex_requirements_path(platform: Platform) -> Path:
    if platform.os is OS.WINDOWS:
        base = (
            platform.env.get("ProgramData") or platform.env.get("PROGRAMDATA") or "C:\\ProgramData"
        )
        return platform.path(base, "OpenAI", "Codex", "requirements.toml")
    return _system(platform, "/etc/codex/requirements.toml")  # Linux and macOS alike


@dataclass(frozen=True)
class ManagedRules:
    """What the administrators' policies found on this machine say about server commands."""

    #: Claude Code ``serverCommand`` allowlist (None: no command allowlist in force)
    claude_code_commands: tuple[tuple[str, ...], ...] | None = None
    #: Codex ``requirements.toml`` identities by server name
    codex_identities: Mapping[str, object] = field(default_factory=dict)
    #: the files the rules came from, for messages
    sources: tuple[str, ...] = ()
    #: Claude Code ``deniedMcpServers`` ``serverCommand`` argvs
    claude_code_denied: tuple[tuple[str, ...], ...] = ()
    #: Claude Code's exclusive ``managed-mcp.json`` when one is deployed (its path)
    claude_code_exclusive: str | None = None
    #: Copilot enterprise ``allowedMcpServers`` ``serverCommand`` argvs (None: none in force)
    copilot_commands: tuple[tuple[str, ...], ...] | None = None
    #: Copilot enterprise ``deniedMcpServers`` ``serverCommand`` argvs
    copilot_denied: tuple[tuple[str, ...], ...] = ()
    #: where the allowlist of each client comes from (client id -> file), for remedies
    allowlist_files: Mapping[str, str] = field(default_factory=dict)
    #: VS Code's ChatAllowedMcpServers (None: not set) and ChatDeniedMcpServers policies
    vscode_allowed: ServerMatchers | None = None
    vscode_denied: ServerMatchers | None = None
    #: the file VS Code's policies came from
    vscode_policy_file: str = ""

    def allowlist(self, client: str) -> tuple[tuple[str, ...], ...] | None:
        """The exact-argv allowlist in force for ``client`` (None: none)."""
        if client == "claude-code":
            return self.claude_code_commands
        if client in COPILOT_CLIENTS:
            return self.copilot_commands
        return None

    def denylist(self, client: str) -> tuple[tuple[str, ...], ...]:
        if client == "claude-code":
            return self.claude_code_denied
        if client in COPILOT_CLIENTS:
            return self.copilot_denied
        return ()


def claude_code_commands(
    documents: Sequence[object], key: str = "allowedMcpServers"
) -> tuple[tuple[str, ...], ...] | None:
    """The ``serverCommand`` argvs of every ``key`` list (allow- or denylist) in the documents."""
    commands: list[tuple[str, ...]] = []
    seen_allowlist = False
    for document in documents:
        allowed = document.get(key) if isinstance(document, dict) else None
        if not isinstance(allowed, list):
            continue
        for item in allowed:
            argv = item.get("serverCommand") if isinstance(item, dict) else None
            if isinstance(argv, list) and all(isinstance(a, str) for a in argv):
                seen_allowlist = True
                commands.append(tuple(argv))
    return tuple(commands) if seen_allowlist else None


def codex_identities(document: object) -> dict[str, object]:
    """``mcp_servers.<name>.identity`` tables of a parsed ``requirements.toml``."""
    servers = document.get("mcp_servers") if isinstance(document, dict) else None
    if not isinstance(servers, dict):
        return {}
    return {
        name: value["identity"]
        for name, value in servers.items()
        if isinstance(value, dict) and isinstance(value.get("identity"), dict)
    }


def _identity_command(identity: Mapping[str, object]) -> str | None:
    command = identity.get("command")
    if isinstance(command, str):
        return command
    if isinstance(command, dict) and isinstance(command.get("executable"), str):
        return str(command["executable"])
    executable = identity.get("executable")
    return executable if isinstance(executable, str) else None


ALLOWLIST_OWNERS = {
    "claude-code": "Claude Code managed settings",
    "copilot-cli": "GitHub Copilot enterprise managed settings",
    "vscode": "GitHub Copilot enterprise managed settings",
    "vscode-insiders": "GitHub Copilot enterprise managed settings",
}


def wrap_blocked(
    rules: ManagedRules,
    client: str,
    server: str,
    wrapped_argv: Sequence[str],
    original_argv: Sequence[str] | None = None,
) -> str | None:
    """Why wrapping this server would make a managed policy block it, or None."""
    owner = ALLOWLIST_OWNERS.get(client, "")
    if original_argv is not None and tuple(original_argv) in rules.denylist(client):
        return (
            f"{owner} deny this server by its exact command (deniedMcpServers.serverCommand); "
            "wrapping it would slip it past the denylist, so it is left as the administrator "
            "denied it"
        )
    commands = rules.allowlist(client)
    if commands is not None and original_argv is not None and tuple(original_argv) not in commands:
        if tuple(wrapped_argv) in commands:
            return None
        return (
            f"blocked by allowlist: {owner} allow stdio servers by exact command "
            "(allowedMcpServers.serverCommand) and this server's command is not on the list; "
            "the client blocks it with or without wrapping"
        )
    if commands is not None and tuple(wrapped_argv) not in commands:
        return (
            f"blocked by allowlist: {owner} allow stdio servers by exact command "
            "(allowedMcpServers.serverCommand); the wrapped command would not match and the "
            "client would block the server. Ask your administrator to allow the wrapped command "
            f"(hardener policy allowlist --client {client} prints it)."
        )
    if client in VSCODE_CLIENTS:
        reason = _vscode_blocked(rules, server, wrapped_argv, original_argv)
        if reason is not None:
            return reason
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


def _vscode_blocked(
    rules: ManagedRules,
    server: str,
    wrapped_argv: Sequence[str],
    original_argv: Sequence[str] | None,
) -> str | None:
    """VS Code's own policies: a command-matched entry stops matching once wrapped."""
    denied, allowed = rules.vscode_denied, rules.vscode_allowed
    if denied is not None and original_argv is not None and tuple(original_argv) in denied.commands:
        return (
            f"VS Code policy {VSCODE_DENY_POLICY} denies this server by its exact command; "
            "wrapping it would slip it past the denylist, so it is left as the administrator "
            "denied it"
        )
    if allowed is None or server in allowed.names:
        return None  # no allowlist, or admitted by name (the wrapped server keeps its name)
    if tuple(wrapped_argv) in allowed.commands:
        return None
    if original_argv is not None and tuple(original_argv) in allowed.commands:
        return (
            f"blocked by allowlist: VS Code policy {VSCODE_ALLOW_POLICY} admits this server by "
            "its exact command (serverCommand); the wrapped command would not match and VS Code "
            "would block the server. Ask your administrator to allow the wrapped command "
            "(hardener policy allowlist --client vscode prints it)."
        )
    return (
        f"blocked by allowlist: VS Code policy {VSCODE_ALLOW_POLICY} does not admit this server "
        "(by name or command); VS Code blocks it with or without wrapping"
    )
