"""Qwen Code: ``~/.qwen/settings.json`` (``$QWEN_HOME``) and project ``.qwen/settings.json`` (L1).

A Gemini CLI fork with the same top-level ``mcpServers`` map (``command``/``args``/``env``/``cwd``,
or ``url``/``httpUrl`` for remote servers) in JSON with comments. Qwen keeps a ``"$version"`` key
in the file and writes a ``settings.json.orig`` copy when it migrates the format; neither is an
entry, so both are left alone. ``qwen mcp add`` writes user scope by default and project scope
with ``-s project``. Extension servers (``extensions/<ext>/qwen-extension.json``) are reported,
not rewritten.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, EntryShape, FsView, Table, env_path
from hardener.paths import Platform

SERVERS = Table(("mcpServers",))
#: the ``"$version"`` values of settings.json that Qwen Code 0.x writes (0.24 writes 4)
VERSIONS = (1, 2, 3, 4)


def qwen_dir(platform: Platform) -> Path:
    """``$QWEN_HOME`` when set to an absolute path (it *is* the directory), else ``~/.qwen``."""
    base = env_path(platform, "QWEN_HOME")
    return base if base is not None else platform.path(platform.home, ".qwen")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(qwen_dir(platform), "settings.json"),)


def _extensions(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return tuple(fs.glob(platform.path(qwen_dir(platform), "extensions"), "*/qwen-extension.json"))


SPEC = ClientSpec(
    id="qwen",
    name="Qwen Code",
    files=(
        ConfigFile(
            "user",
            "user",
            "jsonc",
            (SERVERS,),
            locate=_user,
            version_key="$version",
            known_versions=VERSIONS,
        ),
        ConfigFile(
            "project",
            "project",
            "jsonc",
            (SERVERS,),
            project=(".qwen/settings.json",),
            version_key="$version",
            known_versions=VERSIONS,
        ),
        ConfigFile(
            "extension",
            "plugin",
            "jsonc",
            (SERVERS,),
            locate=_extensions,
            writable=False,
            reason="Qwen Code extension server: the extension owns this file and an update would "
            "undo the wrapping",
        ),
    ),
    entry=EntryShape(disabled_when=()),
    self_writes="'qwen mcp add/remove' and /settings rewrite settings.json",
    process_names=("qwen",),
    binaries=("qwen",),
    notes=("Restart Qwen Code after hardening.",),
)
