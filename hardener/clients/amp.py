"""Amp (Sourcegraph): ``settings.json`` with the literal dotted key ``"amp.mcpServers"`` (L1).

``~/.config/amp/settings.json`` on macOS and Linux, ``%APPDATA%\\amp\\settings.json`` on Windows;
JSON with comments. The key is one string containing a dot, not a nested object. Entries are
Claude-style (``command``/``args``/``env`` or ``url``/``headers``).
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import OS, Platform


def amp_dir(platform: Platform) -> Path:
    if platform.os is OS.WINDOWS:
        return platform.path(platform.appdata, "amp")
    return platform.path(platform.xdg_config_home, "amp")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(amp_dir(platform), "settings.json"),)


def _installed(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (amp_dir(platform),)


SPEC = ClientSpec(
    id="amp",
    name="Amp",
    files=(ConfigFile("user", "user", "jsonc", (Table(("amp.mcpServers",)),), locate=_user),),
    self_writes="'amp mcp add' rewrites settings.json",
    process_names=("amp",),
    binaries=("amp",),
    installed=_installed,
)
