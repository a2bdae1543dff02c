"""Gemini CLI: ``~/.gemini/settings.json`` (``$GEMINI_CLI_HOME``), project ``.gemini/`` (L1).

JSON with comments, top-level ``mcpServers``. Servers declared by Gemini extensions
(``extensions/<ext>/gemini-extension.json``) are reported, not rewritten.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, EntryShape, FsView, Table, env_path, fixed
from hardener.paths import Platform

SERVERS = Table(("mcpServers",))


def gemini_dir(platform: Platform) -> Path:
    base = env_path(platform, "GEMINI_CLI_HOME")
    return platform.path(base if base is not None else platform.home, ".gemini")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(gemini_dir(platform), "settings.json"),)


def _extensions(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return tuple(
        fs.glob(platform.path(gemini_dir(platform), "extensions"), "*/gemini-extension.json")
    )


SPEC = ClientSpec(
    id="gemini",
    name="Gemini CLI",
    files=(
        ConfigFile("user", "user", "jsonc", (SERVERS,), locate=_user),
        ConfigFile("project", "project", "jsonc", (SERVERS,), project=(".gemini/settings.json",)),
        ConfigFile(
            "extension",
            "plugin",
            "jsonc",
            (SERVERS,),
            locate=_extensions,
            writable=False,
            reason="Gemini extension server: the extension owns this file and an update would "
            "undo the wrapping",
        ),
    ),
    entry=EntryShape(disabled_when=()),
    binaries=("gemini",),
    installed=fixed(gemini_dir),
    self_writes="'gemini mcp add' and /settings rewrite settings.json (keeping comments)",
    notes=("Restart Gemini CLI after hardening.",),
)
