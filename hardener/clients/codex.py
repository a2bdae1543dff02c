"""OpenAI Codex: ``$CODEX_HOME/config.toml`` and trusted projects' ``.codex/config.toml`` (L1).

TOML tables ``[mcp_servers.<name>]``; edited with the TOML codec (``tomlkit`` round trip). Codex
validates strictly: ``command`` with ``url`` is an error and HTTP-only keys on a stdio entry are
too, so a bridged entry drops them.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, EntryShape, FsView, Table, env_path, fixed
from hardener.paths import Platform

SERVERS = Table(("mcp_servers",))


def codex_home(platform: Platform) -> Path:
    base = env_path(platform, "CODEX_HOME")
    return base if base is not None else platform.path(platform.home, ".codex")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(codex_home(platform), "config.toml"),)


SPEC = ClientSpec(
    id="codex",
    name="Codex",
    files=(
        ConfigFile("user", "user", "toml", (SERVERS,), locate=_user),
        ConfigFile("project", "project", "toml", (SERVERS,), project=(".codex/config.toml",)),
    ),
    entry=EntryShape(
        remote=("url",),
        secret_maps=("env", "http_headers"),
        disabled_when=(("enabled", False),),
        bridge_drop=("http_headers",),
        header_maps=("http_headers",),
    ),
    self_writes="'codex mcp add' rewrites config.toml (comments inside [mcp_servers.*] are lost)",
    process_names=("codex", "codex.exe"),
    binaries=("codex",),
    installed=fixed(codex_home),
    notes=("Codex reads MCP servers at session start: start a new session after hardening.",),
)
