"""JetBrains Junie: ``~/.junie/mcp/mcp.json`` and project ``.junie/mcp/mcp.json`` (L1 pure core).

A Claude-style ``mcpServers`` map without ``type``: ``command``/``args``/``env`` (the IDE plugin
runs stdio servers only), ``url``/``headers`` in the newer CLI.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import Platform

SERVERS = Table(("mcpServers",))


def _dir(platform: Platform) -> Path:
    return platform.path(platform.home, ".junie")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(_dir(platform), "mcp", "mcp.json"),)


def _installed(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (_dir(platform),)


SPEC = ClientSpec(
    id="junie",
    name="Junie",
    files=(
        ConfigFile("user", "user", "json", (SERVERS,), locate=_user),
        ConfigFile("project", "project", "json", (SERVERS,), project=(".junie/mcp/mcp.json",)),
    ),
    self_writes="Junie's MCP settings write mcp.json",
    process_names=("junie",),
    binaries=("junie",),
    installed=_installed,
)
