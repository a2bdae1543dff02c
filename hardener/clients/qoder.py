"""Qoder (Alibaba's agentic IDE): ``~/.qoder/mcp.json`` (Windows: ``SharedClientCache``) (L1)."""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import OS, Platform


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    if platform.os is OS.WINDOWS:
        return (platform.path(platform.appdata, "Qoder", "SharedClientCache", "mcp.json"),)
    return (platform.path(platform.home, ".qoder", "mcp.json"),)


def _installed(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (_user(platform, fs)[0].parent, platform.path("/Applications", "Qoder.app"))


SPEC = ClientSpec(
    id="qoder",
    name="Qoder",
    files=(ConfigFile("user", "user", "json", (Table(("mcpServers",)),), locate=_user),),
    self_writes="the MCP settings page writes mcp.json",
    process_names=("Qoder", "Qoder.exe", "qoder"),
    installed=_installed,
)
