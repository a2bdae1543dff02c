"""opencode: ``opencode.json[c]`` in ``$XDG_CONFIG_HOME/opencode`` and in projects (L1 pure core).

Servers live in the top-level ``"mcp"`` map; a local server is ``{"type": "local", "command":
["npx", "-y", "pkg"], "environment": {…}, "enabled": true}`` — the program and its arguments are
**one list** (there is no ``args`` key and unknown keys are rejected), so the shim's argv is
written into that same list. A remote one is ``{"type": "remote", "url": …, "headers": {…}}``.
opencode resolves its config directory with ``xdg-basedir`` on every OS (``~/.config/opencode``
on macOS and Windows too); ``$OPENCODE_CONFIG`` names one more file and ``$OPENCODE_CONFIG_DIR``
one more directory. Project files: ``opencode.json[c]`` and ``.opencode/opencode.json[c]``.

opencode V2 keeps the same entries under ``mcp.servers`` (next to settings such as
``mcp.timeout``) and switches a server off with ``"disabled": true``; the V1 layout is still read.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.spec import ClientSpec, ConfigFile, EntryShape, FsView, Table, env_path
from hardener.paths import Platform

#: V1: servers straight under ``mcp``; V2: under ``mcp.servers`` (the V1 table then yields none)
SERVERS = Table(("mcp",), container_key="servers")
SERVERS_V2 = Table(("mcp", "servers"), not_an_entry=True)
NAMES = ("opencode.json", "opencode.jsonc", "config.json")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    base = platform.path(platform.xdg_config_home, "opencode")
    paths = [platform.path(base, name) for name in NAMES]
    extra_dir = env_path(platform, "OPENCODE_CONFIG_DIR")
    if extra_dir is not None:
        paths += [platform.path(extra_dir, name) for name in NAMES[:2]]
    extra = env_path(platform, "OPENCODE_CONFIG")
    if extra is not None:
        paths.append(extra)
    return tuple(paths)


SPEC = ClientSpec(
    id="opencode",
    name="opencode",
    files=(
        ConfigFile("user", "user", "jsonc", (SERVERS, SERVERS_V2), locate=_user),
        ConfigFile(
            "project",
            "project",
            "jsonc",
            (SERVERS, SERVERS_V2),
            project=(
                "opencode.json",
                "opencode.jsonc",
                ".opencode/opencode.json",
                ".opencode/opencode.jsonc",
            ),
        ),
    ),
    entry=EntryShape(
        argv_list=True,
        remote=("url",),
        secret_maps=("environment", "headers"),
        disabled_when=(("enabled", False), ("disabled", True)),
        bridge_drop=("headers",),
        bridge_type="local",
    ),
    self_writes="'opencode mcp add' rewrites opencode.json[c] (keeping comments)",
    process_names=("opencode", "opencode.exe"),
    binaries=("opencode",),
    notes=("Restart opencode after hardening.",),
)
