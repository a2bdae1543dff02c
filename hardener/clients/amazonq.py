"""Amazon Q Developer: IDE ``agents/default.json``, CLI agents, legacy ``mcp.json`` (L1 pure core).

Under ``~/.aws/amazonq``: the IDE plugins' ``agents/default.json``, the Q CLI's
``cli-agents/<name>.json`` and the legacy ``mcp.json`` (merged when an agent says
``"useLegacyMcpJson": true``); in a workspace ``.amazonq/mcp.json`` and
``.amazonq/cli-agents/*.json``. Every one has a Claude-style ``mcpServers`` map (``command``/
``args``/``env``/``timeout``, ``disabled``). Kiro is its successor (see :mod:`kiro`).
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table
from hardener.paths import Platform

SERVERS = Table(("mcpServers",))


def _dir(platform: Platform) -> Path:
    return platform.path(platform.home, ".aws", "amazonq")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    base = _dir(platform)
    return (platform.path(base, "mcp.json"), platform.path(base, "agents", "default.json"))


def _agents(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return tuple(fs.glob(platform.path(_dir(platform), "cli-agents"), "*.json"))


def _installed(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (_dir(platform),)


SPEC = ClientSpec(
    id="amazon-q",
    name="Amazon Q Developer",
    files=(
        ConfigFile("user", "user", "json", (SERVERS,), locate=_user),
        ConfigFile("agent", "user", "json", (SERVERS,), locate=_agents),
        ConfigFile("project", "project", "json", (SERVERS,), project=(".amazonq/mcp.json",)),
        ConfigFile(
            "project-agent", "project", "json", (SERVERS,), project=(".amazonq/cli-agents/*.json",)
        ),
    ),
    self_writes="'q mcp add' and /agent rewrite the agent files",
    process_names=("q", "qchat"),
    installed=_installed,
)
