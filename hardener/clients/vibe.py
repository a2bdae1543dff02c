"""Mistral Vibe: ``$VIBE_HOME/config.toml`` (``~/.vibe/config.toml``) and a project's
``.vibe/config.toml`` (L1 pure core).

Servers are a TOML array of tables ``[[mcp_servers]]``, each with a ``name`` and a ``transport``
(``stdio``, ``http``, ``streamable-http``; Vibe's ``MCPStdio``/``MCPHttp`` models in
``vibe/core/config/models.py``). A stdio server has ``command`` (a string Vibe splits with
``shlex``, or a list) and ``args``; hardener wraps a single-word ``command`` and leaves a command
line or a list alone (reported), and refuses to write a shim path Vibe would split. A remote
server has ``url``, ``headers`` and optionally ``api_key_env`` (a token read from the
environment: not bridgeable) or ``auth`` (OAuth); a bridged one becomes ``transport = "stdio"``.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, EntryShape, FsView, Table, env_path
from hardener.paths import Platform

SERVERS = Table(("mcp_servers",), form="list")


def vibe_home(platform: Platform) -> Path:
    base = env_path(platform, "VIBE_HOME")
    return base if base is not None else platform.path(platform.home, ".vibe")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(vibe_home(platform), "config.toml"),)


SPEC = ClientSpec(
    id="vibe",
    name="Mistral Vibe",
    files=(
        ConfigFile("user", "user", "toml", (SERVERS,), locate=_user),
        ConfigFile("project", "project", "toml", (SERVERS,), project=(".vibe/config.toml",)),
    ),
    entry=EntryShape(
        remote=("url",),
        secret_maps=("env", "headers"),
        disabled_when=(("disabled", True),),
        bridge_drop=("headers",),
        bridge_type="stdio",
        bridge_type_key="transport",
        bridge_blockers=("auth", "api_key_env"),
        command_split=True,
    ),
    self_writes="'vibe' rewrites config.toml when servers are added with /mcp add",
    process_names=("vibe", "vibe-acp"),
    binaries=("vibe",),
    notes=("Restart Mistral Vibe after hardening.",),
)
