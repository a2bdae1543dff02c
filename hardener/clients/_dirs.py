"""Per-OS base directories shared by several client specs (L1 pure core).

Pure functions of a :class:`~hardener.paths.Platform`: Electron apps keep their data in the OS's
application-data directory (macOS ``~/Library/Application Support``, Windows ``%APPDATA%``, Linux
``$XDG_CONFIG_HOME``), and VS Code forks keep their user settings under ``<that>/<Product>/User``.
"""

from __future__ import annotations

from pathlib import Path

from hardener.paths import OS, Platform

#: VS Code and the forks whose user directory can hold a legacy Cline settings file.
VSCODE_PRODUCTS: tuple[str, ...] = ("Code", "Code - Insiders", "VSCodium", "Cursor", "Windsurf")


def app_data(platform: Platform) -> Path:
    """Where desktop apps keep their per-user data on this OS."""
    if platform.os is OS.MACOS:
        return platform.mac_app_support
    if platform.os is OS.WINDOWS:
        return platform.appdata
    return platform.xdg_config_home


def vscode_user_dir(platform: Platform, product: str) -> Path:
    """``<app data>/<product>/User``: VS Code's (or a fork's) default profile directory."""
    return platform.path(app_data(platform), product, "User")
