"""Claude Code: ``~/.claude.json`` (user and local scope), project ``.mcp.json`` (L1 pure core).

``~/.claude.json`` (inside ``$CLAUDE_CONFIG_DIR`` when set) holds user-scope servers at the top
level and local-scope servers under ``projects["<abs path>"].mcpServers``; its project keys are
also how hardener learns project directories. Claude Code rewrites this file constantly. Plugin
servers (``plugins/**/.mcp.json``) are reported, not rewritten: a plugin update would undo it.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients.managed import claude_code_managed_dir
from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Table, env_path, fixed
from hardener.paths import Platform

#: How deep under ``plugins/`` a plugin's ``.mcp.json`` may sit (marketplace/plugin/version/…).
PLUGIN_DEPTH = 5


def claude_json(platform: Platform) -> Path:
    base = env_path(platform, "CLAUDE_CONFIG_DIR")
    return platform.path(base if base is not None else platform.home, ".claude.json")


def claude_dir(platform: Platform) -> Path:
    base = env_path(platform, "CLAUDE_CONFIG_DIR")
    return base if base is not None else platform.path(platform.home, ".claude")


def _user(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    return (claude_json(platform),)


def _plugins(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    root = platform.path(claude_dir(platform), "plugins")
    if not fs.is_dir(root):
        return ()
    found: list[Path] = []
    for depth in range(1, PLUGIN_DEPTH + 1):
        found += fs.glob(root, "/".join(["*"] * depth + [".mcp.json"]))
    return tuple(found)


SERVERS = Table(("mcpServers",))

SPEC = ClientSpec(
    id="claude-code",
    name="Claude Code",
    files=(
        ConfigFile(
            "user",
            "user",
            "json",
            (SERVERS, Table(("projects", "*", "mcpServers"))),
            locate=_user,
        ),
        ConfigFile("project", "project", "json", (SERVERS,), project=(".mcp.json",)),
        ConfigFile(
            "plugin",
            "plugin",
            "json",
            (SERVERS,),
            locate=_plugins,
            writable=False,
            reason="plugin-provided server: the plugin owns this file and an update would undo "
            "the wrapping",
        ),
        ConfigFile(
            "managed",
            "managed",
            "json",
            (SERVERS,),
            locate=fixed(lambda p: p.path(claude_code_managed_dir(p), "managed-mcp.json")),
            writable=False,
            reason="managed-mcp.json is deployed by your administrator: wrap its servers at the "
            "source (the MDM profile that installs it)",
        ),
    ),
    self_writes="rewrites ~/.claude.json constantly (non-atomically, from several sessions)",
    process_names=("claude", "claude.exe"),
    binaries=("claude",),
    installed=fixed(claude_dir),
    notes=("Start a new Claude Code session (or /mcp reconnect) to pick up changes.",),
)
