"""The one template source of the agent's service, whatever the OS (L2 service).

A :class:`ServiceDefinition` says what runs (argv), under which name, and how it is restarted;
the per-OS renderers translate it and add nothing of their own that changes behaviour. ``scope``
is ``user`` (this user only, installed in their home) or ``global`` (every user, installed by an
administrator or an MDM package: ``/etc/systemd/user``, ``/Library/LaunchAgents``, a logon task for
the Users group).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from hardener.paths import OS, POLICY_DOMAIN, Platform

SCOPES = ("user", "global")


@dataclass(frozen=True)
class ServiceDefinition:
    argv: tuple[str, ...]
    scope: str = "user"
    #: launchd label / systemd unit stem / scheduled task name.
    label: str = POLICY_DOMAIN
    unit_name: str = "hardener"
    description: str = "hardener agent: seals the MCP audit log and keeps client configs hardened"
    #: Seconds before a crashed agent is started again.
    restart_seconds: int = 10
    #: Exit code meaning "another instance holds the lock": not worth restarting.
    no_restart_exit: int = 3
    #: Seconds the agent gets to flush and seal after SIGTERM.
    stop_timeout_seconds: int = 30
    #: Windows: the user the logon task runs for (user scope).
    windows_user: str | None = None


def agent_argv(platform: Platform, executable: str | None = None) -> tuple[str, ...]:
    """How to start the agent: the ``hardener`` launcher installed next to the interpreter, else
    ``python -m hardener``. Absolute paths only: services have no PATH worth trusting."""
    python = Path(executable or sys.executable)
    if platform.os is OS.WINDOWS:
        launcher = python.parent / "hardener.exe"
        if not launcher.exists():
            launcher = python.parent / "Scripts" / "hardener.exe"
    else:
        launcher = python.parent / "hardener"
    if launcher.exists():
        return (str(launcher), "daemon", "run")
    return (str(python), "-m", "hardener", "daemon", "run")


def default_definition(
    platform: Platform, scope: str = "user", executable: str | None = None
) -> ServiceDefinition:
    user = platform.env.get("USERNAME") or platform.env.get("USER")
    domain = platform.env.get("USERDOMAIN")
    windows_user = f"{domain}\\{user}" if domain and user else user
    return ServiceDefinition(
        argv=agent_argv(platform, executable), scope=scope, windows_user=windows_user
    )
