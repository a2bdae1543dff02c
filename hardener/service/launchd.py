"""Render the agent as a macOS LaunchAgent property list (L2 service).

A LaunchAgent (not a LaunchDaemon) because the agent needs the user's login keychain. User scope:
``~/Library/LaunchAgents/<label>.plist`` loaded with ``launchctl bootstrap gui/<uid>``; global:
``/Library/LaunchAgents/<label>.plist``, loaded for every GUI login (``LimitLoadToSessionType``).
"""

from __future__ import annotations

import plistlib
from pathlib import Path

from hardener.paths import Platform
from hardener.service.template import ServiceDefinition

GLOBAL_DIR = "/Library/LaunchAgents"


def plist_path(platform: Platform, definition: ServiceDefinition) -> Path:
    name = f"{definition.label}.plist"
    if definition.scope == "global":
        return platform.path(GLOBAL_DIR, name)
    return platform.path(platform.home, "Library", "LaunchAgents", name)


def render(definition: ServiceDefinition) -> bytes:
    document = {
        "Label": definition.label,
        "ProgramArguments": list(definition.argv),
        "RunAtLoad": True,
        # Restart after a crash, not after a clean stop (launchd's Restart=on-failure).
        "KeepAlive": {"SuccessfulExit": False},
        "ThrottleInterval": definition.restart_seconds,
        "ExitTimeOut": definition.stop_timeout_seconds,
        "ProcessType": "Background",
        "LimitLoadToSessionType": ["Aqua"],
        "EnvironmentVariables": {"PYTHONUNBUFFERED": "1"},
    }
    return plistlib.dumps(document, fmt=plistlib.FMT_XML, sort_keys=False)


def install_commands(
    platform: Platform, definition: ServiceDefinition, uid: int
) -> list[list[str]]:
    if definition.scope == "global":
        return []  # loads at each user's next login; the pkg postinstall bootstraps the console user
    path = str(plist_path(platform, definition))
    return [["launchctl", "bootstrap", f"gui/{uid}", path]]


def uninstall_commands(
    platform: Platform, definition: ServiceDefinition, uid: int
) -> list[list[str]]:
    if definition.scope == "global":
        return []
    return [["launchctl", "bootout", f"gui/{uid}/{definition.label}"]]
