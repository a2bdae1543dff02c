"""VS Code and VS Code Insiders: profile ``mcp.json`` files, workspace ``.vscode/mcp.json`` (L1).

The user file lives in each profile directory: ``User/mcp.json`` for the default profile and
``User/profiles/<id>/mcp.json`` for the others; JSONC with a top-level ``servers`` map and
``inputs``. Before 1.102 servers lived in ``settings.json`` under ``mcp.servers``: that file is
read for discovery only (VS Code migrates it, and it holds every other setting). The workspace
file is ``.vscode/mcp.json``; a Claude-style ``.mcp.json`` is also read by VS Code, but belongs to
the Claude Code spec so that it is wrapped once.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients._dirs import vscode_user_dir
from hardener.clients.spec import ClientSpec, ConfigFile, FsView, Locate, Table
from hardener.paths import Platform

SERVERS = Table(("servers",))


def _user(product: str, remote_server_dir: str | None) -> Locate:
    def _locate(platform: Platform, fs: FsView) -> tuple[Path, ...]:
        user = vscode_user_dir(platform, product)
        paths = [platform.path(user, "mcp.json")]
        if remote_server_dir:  # the server side of Remote-SSH/WSL on this machine
            paths.append(
                platform.path(platform.home, remote_server_dir, "data", "User", "mcp.json")
            )
        return tuple(paths)

    return _locate


def _profiles(product: str) -> Locate:
    def _locate(platform: Platform, fs: FsView) -> tuple[Path, ...]:
        user = vscode_user_dir(platform, product)
        return tuple(fs.glob(platform.path(user, "profiles"), "*/mcp.json"))

    return _locate


def _legacy(product: str) -> Locate:
    def _locate(platform: Platform, fs: FsView) -> tuple[Path, ...]:
        return (platform.path(vscode_user_dir(platform, product), "settings.json"),)

    return _locate


def make_spec(
    client_id: str, name: str, product: str, remote_dir: str, *, project: bool
) -> ClientSpec:
    files = [
        ConfigFile("user", "user", "jsonc", (SERVERS,), locate=_user(product, remote_dir)),
        ConfigFile("profile", "user", "jsonc", (SERVERS,), locate=_profiles(product)),
        ConfigFile(
            "legacy-settings",
            "user",
            "jsonc",
            (Table(("mcp", "servers")),),
            locate=_legacy(product),
            writable=False,
            reason="legacy settings.json 'mcp.servers' (before VS Code 1.102): read for "
            "discovery only; run 'MCP: Migrate' in VS Code, then harden the new mcp.json",
        ),
    ]
    if project:
        files.append(
            ConfigFile("workspace", "project", "jsonc", (SERVERS,), project=(".vscode/mcp.json",))
        )
    return ClientSpec(
        id=client_id,
        name=name,
        files=tuple(files),
        self_writes="'MCP: Add Server', gallery installs, Settings Sync and dev containers "
        "write mcp.json",
        process_names=(product, f"{product}.exe", product.lower().replace(" ", "-")),
        notes=(
            "Settings Sync copies a wrapped mcp.json to machines where the shim path may not "
            "exist; exclude 'MCP Servers' from sync or install hardener everywhere.",
        ),
    )


SPEC = make_spec("vscode", "VS Code", "Code", ".vscode-server", project=True)
INSIDERS_SPEC = make_spec(
    "vscode-insiders",
    "VS Code Insiders",
    "Code - Insiders",
    ".vscode-server-insiders",
    project=False,
)
