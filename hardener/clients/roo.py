"""Roo Code: its VS Code ``globalStorage`` ``mcp_settings.json`` and project ``.roo/mcp.json`` (L1).

The extension is discontinued (archived in 2026) but still installed on many machines. Global file:
``<VS Code user dir>/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json`` in
VS Code and each fork; project servers in ``.roo/mcp.json`` override global ones by name.
Entries: ``type`` ``stdio``/``sse``/``streamable-http``, ``command``/``args``/``cwd``/``env`` or
``url``/``headers``, plus ``disabled``, ``alwaysAllow``, ``disabledTools``, ``watchPaths``.
On Windows Roo runs every command through ``cmd.exe /c`` (the shim included).
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients._dirs import VSCODE_PRODUCTS, vscode_user_dir
from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import Platform

EXTENSION_ID = "rooveterinaryinc.roo-cline"
FILE_NAME = "mcp_settings.json"
SERVERS = Table(("mcpServers",))


def _storage(platform: Platform, product: str) -> Path:
    return platform.path(vscode_user_dir(platform, product), "globalStorage", EXTENSION_ID)


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return tuple(
        platform.path(_storage(platform, product), "settings", FILE_NAME)
        for product in VSCODE_PRODUCTS
    )


def _installed(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return tuple(_storage(platform, product) for product in VSCODE_PRODUCTS)


SPEC = ClientSpec(
    id="roo",
    name="Roo Code",
    files=(
        ConfigFile("user", "user", "json", (SERVERS,), locate=_user),
        ConfigFile("project", "project", "json", (SERVERS,), project=(".roo/mcp.json",)),
    ),
    self_writes="writes mcp_settings.json for toggles, alwaysAllow and timeouts (watched)",
    installed=_installed,
    notes=("Roo Code is discontinued; its servers still run while the extension is installed.",),
)
