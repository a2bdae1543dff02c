"""GitHub Copilot CLI: ``~/.copilot/mcp-config.json`` (``$COPILOT_HOME``), ``.github/mcp.json`` (L1).

``copilot mcp add NAME -- CMD ARGS…`` writes ``mcpServers.<name> = {"tools": ["*"], "type":
"local", "command": …, "args": […]}`` (``env`` with ``--env``); remote servers are ``type``
``http``/``sse`` with ``url`` and ``headers``. The workspace files are ``.mcp.json`` (Claude Code's
file, wrapped once under that spec) and ``.github/mcp.json``, read only in trusted folders.
The CLI writes its file under a lock (``.mcp-writer.lock``) with a binding marker beside it.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table, env_path
from hardener.paths import Platform

SERVERS = Table(("mcpServers",))


def copilot_home(platform: Platform) -> Path:
    base = env_path(platform, "COPILOT_HOME")
    return base if base is not None else platform.path(platform.home, ".copilot")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(copilot_home(platform), "mcp-config.json"),)


SPEC = ClientSpec(
    id="copilot-cli",
    name="GitHub Copilot CLI",
    files=(
        ConfigFile("user", "user", "json", (SERVERS,), locate=_user),
        ConfigFile("project", "project", "json", (SERVERS,), project=(".github/mcp.json",)),
    ),
    self_writes="'copilot mcp add/remove/enable/disable' and /mcp rewrite mcp-config.json",
    process_names=("copilot", "copilot.exe"),
    binaries=("copilot",),
    notes=("Start a new Copilot CLI session after hardening.",),
)
