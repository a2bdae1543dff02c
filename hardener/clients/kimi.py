"""Kimi CLI (Moonshot): ``~/.kimi/mcp.json``, a Claude-style ``mcpServers`` map (L1 pure core)."""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import Platform


def _dir(platform: Platform) -> Path:
    return platform.path(platform.home, ".kimi")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(_dir(platform), "mcp.json"),)


def _installed(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (_dir(platform),)


SPEC = ClientSpec(
    id="kimi",
    name="Kimi CLI",
    files=(ConfigFile("user", "user", "json", (Table(("mcpServers",)),), locate=_user),),
    self_writes="'kimi mcp add/remove' rewrite mcp.json",
    process_names=("kimi",),
    binaries=("kimi",),
    installed=_installed,
)
