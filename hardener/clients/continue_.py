"""Continue: ``~/.continue/config.yaml`` and workspace ``.continue/mcpServers/*`` (L1 pure core).

``mcpServers`` is a YAML **list** of objects with a ``name``; block files in a workspace's
``.continue/mcpServers/`` folder have the same list, and JSON files there use the Claude/Cursor
``mcpServers`` map. Hub blocks (``uses: owner/block``) resolve remotely and cannot be wrapped.
The legacy ``config.json`` is reported only.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, EntryShape, FsView, Table, env_path
from hardener.paths import Platform

SERVERS = Table(("mcpServers",), form="list")


def continue_dir(platform: Platform) -> Path:
    base = env_path(platform, "CONTINUE_GLOBAL_DIR")
    return base if base is not None else platform.path(platform.home, ".continue")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(continue_dir(platform), "config.yaml"),)


def _legacy(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (platform.path(continue_dir(platform), "config.json"),)


SPEC = ClientSpec(
    id="continue",
    name="Continue",
    files=(
        ConfigFile("user", "user", "yaml", (SERVERS,), locate=_user),
        ConfigFile(
            "block", "project", "yaml", (SERVERS,), project=(".continue/mcpServers/*.yaml",)
        ),
        ConfigFile(
            "block-json",
            "project",
            "json",
            (Table(("mcpServers",)),),
            project=(".continue/mcpServers/*.json",),
        ),
        ConfigFile(
            "legacy",
            "user",
            "opaque",
            locate=_legacy,
            writable=False,
            reason="legacy config.json (experimental.modelContextProtocolServers): reported "
            "only; move the servers to config.yaml",
        ),
    ),
    entry=EntryShape(extension_keys=("uses",), secret_maps=("env",)),
    self_writes="rarely writes its files",
)
