"""Factory (the ``droid`` CLI): ``~/.factory/mcp.json`` and project ``.factory/mcp.json`` (L1).

``droid mcp add`` writes a Claude-style ``mcpServers`` map; entries carry ``type`` (``stdio`` or
``http``), ``command``/``args``/``env`` or ``url``/``headers``, and ``disabled``.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import Platform

SERVERS = Table(("mcpServers",))


def _dir(platform: Platform) -> Path:
    return platform.path(platform.home, ".factory")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(_dir(platform), "mcp.json"),)


def _installed(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (_dir(platform),)


SPEC = ClientSpec(
    id="factory",
    name="Factory Droid",
    files=(
        ConfigFile("user", "user", "json", (SERVERS,), locate=_user),
        ConfigFile("project", "project", "json", (SERVERS,), project=(".factory/mcp.json",)),
    ),
    self_writes="'droid mcp add/remove' and /mcp rewrite mcp.json",
    process_names=("droid",),
    binaries=("droid",),
    installed=_installed,
)
