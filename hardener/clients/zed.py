"""Zed: ``settings.json`` ``context_servers`` (JSONC), user and project ``.zed/`` (L1 pure core).

Three entry shapes occur: the current ``{"command": "...", "args": [...]}``, the 2025
``{"source": "custom", "command": ...}`` and the early-2025 ``{"command": {"path": ..., "args":
[...]}}`` (the entry classifier handles the nested one). Extension-provided servers carry only
``settings`` and have nothing to wrap.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, EntryShape, FsView, Table, env_path
from hardener.paths import OS, Platform

SERVERS = Table(("context_servers",))


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    if platform.os is OS.WINDOWS:
        return (platform.path(platform.appdata, "Zed", "settings.json"),)
    flatpak = env_path(platform, "FLATPAK_XDG_CONFIG_HOME")
    base = flatpak if flatpak is not None else platform.xdg_config_home
    return (platform.path(base, "zed", "settings.json"),)


SPEC = ClientSpec(
    id="zed",
    name="Zed",
    files=(
        ConfigFile("user", "user", "jsonc", (SERVERS,), locate=_user),
        ConfigFile("project", "project", "jsonc", (SERVERS,), project=(".zed/settings.json",)),
    ),
    entry=EntryShape(extension_keys=("settings",)),
    self_writes="the Agent Panel's 'Add Custom Server' writes settings.json",
    process_names=("zed", "Zed", "zed-editor", "zed.exe"),
)
