"""Read the administrators' policies of other clients from their system paths (L2 service).

See :mod:`hardener.clients.managed` for what is read and why. A policy file that cannot be parsed
is reported as a source with a problem and treated as restrictive for its client: hardener would
rather not wrap than have an administrator's allowlist block a server.
"""

from __future__ import annotations

import json
import plistlib
import tomllib
from pathlib import Path

from hardener.clients.managed import (
    VSCODE_ALLOW_POLICY,
    VSCODE_DENY_POLICY,
    ManagedRules,
    ServerMatchers,
    claude_code_commands,
    claude_code_managed_dir,
    codex_identities,
    codex_requirements_path,
    copilot_managed_settings_path,
    server_matchers,
    vscode_policy_path,
)
from hardener.paths import Platform


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def load_managed_rules(
    platform: Platform,
    *,
    claude_code_dir: Path | None = None,
    codex_requirements: Path | None = None,
    copilot_settings: Path | None = None,
    vscode_policy: Path | None = None,
) -> ManagedRules:
    """The rules in force on this machine (directories overridable for tests)."""
    cc_dir = claude_code_dir if claude_code_dir is not None else claude_code_managed_dir(platform)
    req = (
        codex_requirements if codex_requirements is not None else codex_requirements_path(platform)
    )
    sources: list[str] = []
    documents: list[object] = []
    cc_files = [cc_dir / "managed-settings.json"]
    drop_in = cc_dir / "managed-settings.d"
    if drop_in.is_dir():
        cc_files += sorted(drop_in.glob("*.json"))
    blocked_unparsable = False
    for path in cc_files:
        text = _read(path)
        if text is None:
            continue
        sources.append(str(path))
        try:
            documents.append(json.loads(text))
        except ValueError:
            blocked_unparsable = True
    commands = claude_code_commands(documents)
    if blocked_unparsable and commands is None:
        commands = ()  # unknown allowlist: assume it matches by command
    denied = claude_code_commands(documents, "deniedMcpServers") or ()
    exclusive = cc_dir / "managed-mcp.json"
    exclusive_path = str(exclusive) if exclusive.is_file() else None
    if exclusive_path is not None:
        sources.append(exclusive_path)
    allowlist_files = {"claude-code": str(cc_files[0])}
    copilot_path = (
        copilot_settings
        if copilot_settings is not None
        else copilot_managed_settings_path(platform)
    )
    copilot_commands, copilot_denied = _copilot(copilot_path, sources)
    for client in ("copilot-cli", "vscode", "vscode-insiders"):
        allowlist_files[client] = str(copilot_path)
    identities: dict[str, object] = {}
    text = _read(req)
    if text is not None:
        sources.append(str(req))
        try:
            identities = codex_identities(tomllib.loads(text))
        except tomllib.TOMLDecodeError:
            identities = {}
    vscode_path = vscode_policy if vscode_policy is not None else vscode_policy_path(platform)
    vscode_allowed, vscode_denied = _vscode(vscode_path, sources)
    return ManagedRules(
        commands,
        identities,
        tuple(sources),
        claude_code_denied=denied,
        claude_code_exclusive=exclusive_path,
        copilot_commands=copilot_commands,
        copilot_denied=copilot_denied,
        allowlist_files=allowlist_files,
        vscode_allowed=vscode_allowed,
        vscode_denied=vscode_denied,
        vscode_policy_file="" if vscode_path is None else str(vscode_path),
    )


def _vscode(
    path: Path | None, sources: list[str]
) -> tuple[ServerMatchers | None, ServerMatchers | None]:
    """VS Code's ChatAllowedMcpServers / ChatDeniedMcpServers policies from its policy file
    (JSON on Linux, a managed-preferences plist on macOS); unparsable: restrictive."""
    if path is None:
        return None, None
    try:
        data = path.read_bytes()
    except OSError:
        return None, None
    sources.append(str(path))
    try:
        document = plistlib.loads(data) if path.suffix == ".plist" else json.loads(data)
    except (ValueError, plistlib.InvalidFileException):
        return ServerMatchers(), None
    if not isinstance(document, dict):
        return ServerMatchers(), None
    return (
        server_matchers(document.get(VSCODE_ALLOW_POLICY)),
        server_matchers(document.get(VSCODE_DENY_POLICY)),
    )


def _copilot(
    path: Path, sources: list[str]
) -> tuple[tuple[tuple[str, ...], ...] | None, tuple[tuple[str, ...], ...]]:
    """Copilot's enterprise allow- and denylist (unparsable: restrictive, nothing admitted)."""
    text = _read(path)
    if text is None:
        return None, ()
    sources.append(str(path))
    try:
        document = json.loads(text)
    except ValueError:
        return (), ()
    return (
        claude_code_commands([document]),
        claude_code_commands([document], "deniedMcpServers") or (),
    )
