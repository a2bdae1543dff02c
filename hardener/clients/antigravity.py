"""Google Antigravity: ``~/.gemini/antigravity/mcp_config.json`` (L1 pure core).

Antigravity (a VS Code fork) keeps its MCP servers apart from its editor settings, in a
Claude-style ``mcpServers`` map; remote servers use ``serverUrl`` (``url`` also accepted) with
``headers``. The file is edited through "Manage MCP Servers → View raw config" and the MCP store.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients._dirs import app_data
from hardener.clients.gemini import gemini_dir
from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import Platform


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(gemini_dir(platform), "antigravity", "mcp_config.json"),)


def _installed(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (
        platform.path(gemini_dir(platform), "antigravity"),
        platform.path(app_data(platform), "Antigravity"),
        platform.path("/Applications", "Antigravity.app"),
    )


SPEC = ClientSpec(
    id="antigravity",
    name="Antigravity",
    files=(ConfigFile("user", "user", "json", (Table(("mcpServers",)),), locate=_user),),
    self_writes="the MCP store and 'View raw config' rewrite mcp_config.json",
    process_names=("Antigravity", "antigravity", "Antigravity.exe"),
    binaries=("antigravity",),
    installed=_installed,
    notes=("Refresh the MCP servers in Antigravity's agent panel after hardening.",),
)
