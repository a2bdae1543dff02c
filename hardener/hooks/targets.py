"""Which clients take hooks, where their hook settings live, and hardener's handler (L1 pure core).

One :class:`HookTarget` per (client, scope). Paths derive from a
:class:`~hardener.paths.Platform` only (no filesystem access). Shapes, from each client's
documentation (docs/hooks.md has the sources):

=============  ==========================================  ==================================
client         user / managed file                          shape
=============  ==========================================  ==================================
claude-code    ``$CLAUDE_CONFIG_DIR/settings.json``          ``hooks.<Event>: [{matcher,
               (``~/.claude/settings.json``); managed        hooks: [{type: "command",
               ``managed-settings.json`` in                  command, timeout}]}]``; events
               ``/etc/claude-code``, ``/Library/Application  PreToolUse, PostToolUse,
               Support/ClaudeCode``, ``C:\\Program           PostToolUseFailure; matcher
               Files\\ClaudeCode``                           ``mcp__.*``
codex          ``$CODEX_HOME/hooks.json``                    as Claude Code (PreToolUse,
               (``~/.codex/hooks.json``); managed: the       PostToolUse); in TOML under
               ``[hooks]`` table of ``requirements.toml``    ``[hooks]``, with
               (``/etc/codex/``, ``%ProgramData%\\OpenAI\\   ``managed_dir`` (Windows
               Codex\\``)                                     ``windows_managed_dir``)
cursor         ``~/.cursor/hooks.json``; enterprise          ``{version: 1, hooks: {<event>:
               ``/Library/Application Support/Cursor/``,     [{command}]}}``;
               ``/etc/cursor/``, ``C:\\ProgramData\\Cursor\\``  beforeMCPExecution,
               ``hooks.json``                                 afterMCPExecution
copilot-cli    ``$COPILOT_HOME/hooks/hardener.json``         ``{version: 1, hooks: {<event>:
               (``~/.copilot/hooks/``), a file of our own     [{type, bash, powershell,
                                                              timeoutSec}]}}``; preToolUse,
                                                              postToolUse
=============  ==========================================  ==================================

Hardener's handler runs ``<absolute hardener-hook> --client ID --event EVENT`` and is recognised
by that command, so install is idempotent and uninstall removes exactly what install added.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hardener.clients.managed import codex_requirements_path, system_path
from hardener.paths import OS, Platform

Style = Literal["claude", "cursor", "copilot"]
Scope = Literal["user", "managed"]

HOOK_COMMAND = "hardener-hook"
MCP_MATCHER = "mcp__.*"
TIMEOUT_SECONDS = 10

CLIENTS = ("claude-code", "codex", "cursor", "copilot-cli")


@dataclass(frozen=True)
class HookTarget:
    client: str
    scope: Scope
    path: Path
    style: Style
    events: tuple[str, ...]
    #: the whole file is hardener's (created by install, deleted by uninstall)
    own_file: bool = False
    #: the file's format (a codec of :mod:`hardener.formats`)
    fmt: str = "json"
    #: a ``[hooks]`` key naming the directory managed hooks come from (Codex requirements),
    #: set to the handler's directory when absent
    managed_dir_key: str | None = None

    @property
    def key(self) -> str:
        return f"{self.client}:{self.scope}:{self.path}"


def _env_dir(platform: Platform, name: str, *default: str) -> Path:
    return platform.env_dir(name, *default)


def _managed_dir(platform: Platform, mac: str, linux: str, windows: str) -> Path:
    if platform.os is OS.MACOS:
        return system_path(platform, mac)
    if platform.os is OS.WINDOWS:
        return platform.path(windows)
    return system_path(platform, linux)


def targets(platform: Platform, *, managed: bool = False) -> list[HookTarget]:
    """Every hook target of this platform for one scope (clients without that scope are left out)."""
    if managed:
        claude = _managed_dir(
            platform,
            "/Library/Application Support/ClaudeCode",
            "/etc/claude-code",
            r"C:\Program Files\ClaudeCode",
        )
        cursor = _managed_dir(
            platform, "/Library/Application Support/Cursor", "/etc/cursor", r"C:\ProgramData\Cursor"
        )
        windows = platform.os is OS.WINDOWS
        return [
            HookTarget(
                "claude-code",
                "managed",
                platform.path(claude, "managed-settings.json"),
                "claude",
                ("PreToolUse", "PostToolUse", "PostToolUseFailure"),
            ),
            HookTarget(
                "codex",
                "managed",
                codex_requirements_path(platform),
                "claude",
                ("PreToolUse", "PostToolUse"),
                fmt="toml",
                managed_dir_key="windows_managed_dir" if windows else "managed_dir",
            ),
            HookTarget(
                "cursor",
                "managed",
                platform.path(cursor, "hooks.json"),
                "cursor",
                ("beforeMCPExecution", "afterMCPExecution"),
            ),
        ]
    return [
        HookTarget(
            "claude-code",
            "user",
            platform.path(_env_dir(platform, "CLAUDE_CONFIG_DIR", ".claude"), "settings.json"),
            "claude",
            ("PreToolUse", "PostToolUse", "PostToolUseFailure"),
        ),
        HookTarget(
            "codex",
            "user",
            platform.path(_env_dir(platform, "CODEX_HOME", ".codex"), "hooks.json"),
            "claude",
            ("PreToolUse", "PostToolUse"),
        ),
        HookTarget(
            "cursor",
            "user",
            platform.path(platform.home, ".cursor", "hooks.json"),
            "cursor",
            ("beforeMCPExecution", "afterMCPExecution"),
        ),
        HookTarget(
            "copilot-cli",
            "user",
            platform.path(_env_dir(platform, "COPILOT_HOME", ".copilot"), "hooks", "hardener.json"),
            "copilot",
            ("preToolUse", "postToolUse"),
            own_file=True,
        ),
    ]


def command_line(hook: Path, client: str, event: str, *, windows: bool = False) -> str:
    """The shell command the client runs (clients run hook commands through a shell)."""
    exe = f'"{hook}"' if windows else shlex.quote(str(hook))
    return f"{exe} --client {client} --event {event}"


def handler(target: HookTarget, hook: Path, event: str) -> dict[str, object]:
    """Hardener's entry for ``event`` in the target's shape."""
    if target.style == "claude":
        return {
            "matcher": MCP_MATCHER,
            "hooks": [
                {
                    "type": "command",
                    "command": command_line(hook, target.client, event),
                    "timeout": TIMEOUT_SECONDS,
                }
            ],
        }
    if target.style == "cursor":
        return {"command": command_line(hook, target.client, event)}
    return {
        "type": "command",
        "bash": command_line(hook, target.client, event),
        "powershell": f"& {command_line(hook, target.client, event, windows=True)}",
        "timeoutSec": TIMEOUT_SECONDS,
    }


def is_ours(value: object) -> bool:
    """Is this list item a handler hardener wrote (in any of the shapes)?"""
    if not isinstance(value, dict):
        return False
    commands: list[object] = [value.get("command"), value.get("bash")]
    inner = value.get("hooks")
    if isinstance(inner, list):
        commands += [h.get("command") for h in inner if isinstance(h, dict)]
    return any(isinstance(c, str) and HOOK_COMMAND in c and "--client" in c for c in commands)


def by_client(items: list[HookTarget], clients: list[str] | None) -> list[HookTarget]:
    return [t for t in items if not clients or t.client in clients]
