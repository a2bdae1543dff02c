"""Goose: ``config.yaml`` ``extensions:`` map with ``cmd``/``args``/``envs`` (L1 pure core).

Edited with the YAML codec (round trip). Built-in extensions (``type: builtin``/``platform``)
have nothing to launch. A bridged remote extension becomes ``type: stdio`` with ``cmd``/``args``.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, EntryShape, FsView, Table
from hardener.paths import OS, Platform


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    if platform.os is OS.WINDOWS:
        return (platform.path(platform.appdata, "Block", "goose", "config", "config.yaml"),)
    return (platform.path(platform.xdg_config_home, "goose", "config.yaml"),)


SPEC = ClientSpec(
    id="goose",
    name="Goose",
    files=(ConfigFile("user", "user", "yaml", (Table(("extensions",)),), locate=_user),),
    entry=EntryShape(
        command="cmd",
        secret_maps=("envs", "headers"),
        disabled_when=(("enabled", False),),
        builtin_types=("builtin", "platform", "frontend", "inline_python"),
        bridge_drop=("headers",),
        bridge_type="stdio",
    ),
    self_writes="'goose configure' and Goose Desktop rewrite config.yaml (comments are lost)",
    process_names=("goose", "Goose", "goose.exe", "Goose.exe"),
    notes=("Restart Goose after hardening.",),
)
