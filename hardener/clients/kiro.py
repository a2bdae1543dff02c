"""Kiro (IDE and CLI): ``~/.kiro/settings/mcp.json`` and project ``.kiro/settings/mcp.json`` (L1).

Amazon Q Developer's successor. Claude-style ``mcpServers`` map: ``command``/``args``/``env`` with
``disabled``, ``autoApprove`` and ``disabledTools``, or ``url``/``headers`` for remote servers.
Kiro CLI agents (``~/.kiro/agents/*.json``, project ``.kiro/agents/*.json``) carry their own
``mcpServers`` map of the same shape. The IDE hot-reloads the file.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import Platform

SERVERS = Table(("mcpServers",))


def kiro_dir(platform: Platform) -> Path:
    return platform.path(platform.home, ".kiro")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(kiro_dir(platform), "settings", "mcp.json"),)


def _agents(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return tuple(fs.glob(platform.path(kiro_dir(platform), "agents"), "*.json"))


def _installed(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (kiro_dir(platform), platform.path("/Applications", "Kiro.app"))


SPEC = ClientSpec(
    id="kiro",
    name="Kiro",
    files=(
        ConfigFile("user", "user", "json", (SERVERS,), locate=_user),
        ConfigFile("agent", "user", "json", (SERVERS,), locate=_agents),
        ConfigFile("project", "project", "json", (SERVERS,), project=(".kiro/settings/mcp.json",)),
        ConfigFile(
            "project-agent", "project", "json", (SERVERS,), project=(".kiro/agents/*.json",)
        ),
    ),
    self_writes="the MCP panel and 'kiro-cli mcp add' rewrite mcp.json",
    process_names=("Kiro", "kiro", "Kiro.exe", "kiro-cli"),
    binaries=("kiro", "kiro-cli"),
    installed=_installed,
)
