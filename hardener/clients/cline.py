"""Cline: ``~/.cline/data/settings/cline_mcp_settings.json`` and its legacy copies (L1 pure core).

Since mid-2026 Cline keeps one settings file for VS Code, its CLI and JetBrains under
``~/.cline/data`` (``CLINE_MCP_SETTINGS_PATH``, ``CLINE_DATA_DIR`` and ``CLINE_DIR`` override it).
Older versions (and tools that still target them) use each editor's ``globalStorage`` folder and
``~/Documents/Cline/MCP``; both are scanned and wrapped, since machines often have both.
The file holds OAuth state (tokens): it is treated as secret-bearing. Cline 3.x (``cline mcp add
--yes``) writes entries nested as ``{"transport": {"type": "stdio", "command": …, "args": […]}}``
(remote: ``{"transport": {"type": "streamableHttp", "url": …, "headers": {…}}}``); they are
wrapped inside ``transport`` and every other key stays.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients._dirs import VSCODE_PRODUCTS, vscode_user_dir
from hardener.clients.spec import (
    ClientSpec,
    ConfigFile,
    EntryShape,
    FsView,
    Table,
    env_path,
    fixed,
)
from hardener.paths import Platform

FILE_NAME = "cline_mcp_settings.json"
EXTENSION_ID = "saoudrizwan.claude-dev"
SERVERS = Table(("mcpServers",))


def _current(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    explicit = env_path(platform, "CLINE_MCP_SETTINGS_PATH")
    if explicit is not None:
        return (explicit,)
    data = env_path(platform, "CLINE_DATA_DIR")
    if data is None:
        base = env_path(platform, "CLINE_DIR")
        data = platform.path(
            base if base is not None else platform.path(platform.home, ".cline"), "data"
        )
    return (platform.path(data, "settings", FILE_NAME),)


def _legacy(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    paths = [
        platform.path(
            vscode_user_dir(platform, product), "globalStorage", EXTENSION_ID, "settings", FILE_NAME
        )
        for product in VSCODE_PRODUCTS
    ]
    paths.append(platform.path(platform.home, "Documents", "Cline", "MCP", FILE_NAME))
    return tuple(paths)


SPEC = ClientSpec(
    id="cline",
    name="Cline",
    files=(
        ConfigFile("user", "user", "json", (SERVERS,), locate=_current),
        ConfigFile("legacy", "user", "json", (SERVERS,), locate=_legacy),
    ),
    entry=EntryShape(nested=("transport",)),
    binaries=("cline",),
    installed=fixed(lambda p: p.path(p.home, ".cline")),
    self_writes="writes the file for toggles, autoApprove, timeouts, remote config and OAuth "
    "(atomically, under a lock file)",
)
