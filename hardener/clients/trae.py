"""Trae (ByteDance's VS Code fork): ``<app data>/Trae/User/mcp.json`` and ``.trae/mcp.json`` (L1)."""

from __future__ import annotations

from pathlib import Path

from hardener.clients._dirs import vscode_user_dir
from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import Platform

SERVERS = Table(("mcpServers",))


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(vscode_user_dir(platform, "Trae"), "mcp.json"),)


def _installed(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (vscode_user_dir(platform, "Trae"), platform.path("/Applications", "Trae.app"))


SPEC = ClientSpec(
    id="trae",
    name="Trae",
    files=(
        ConfigFile("user", "user", "json", (SERVERS,), locate=_user),
        ConfigFile("project", "project", "json", (SERVERS,), project=(".trae/mcp.json",)),
    ),
    self_writes="the MCP marketplace and settings UI write mcp.json",
    process_names=("Trae", "Trae.exe", "trae"),
    installed=_installed,
)
