"""Cursor: global ``~/.cursor/mcp.json`` and project ``.cursor/mcp.json`` (L1 pure core)."""

from __future__ import annotations

from hardener.clients.spec import ClientSpec, ConfigFile, Table, fixed

SERVERS = Table(("mcpServers",))

SPEC = ClientSpec(
    id="cursor",
    name="Cursor",
    files=(
        ConfigFile(
            "user",
            "user",
            "json",
            (SERVERS,),
            locate=fixed(lambda p: p.path(p.home, ".cursor", "mcp.json")),
        ),
        ConfigFile("project", "project", "json", (SERVERS,), project=(".cursor/mcp.json",)),
    ),
    self_writes="one-click installs and 'Add new MCP server' write mcp.json",
    process_names=("Cursor", "Cursor.exe", "cursor"),
    binaries=("cursor",),
    installed=fixed(lambda p: p.path(p.home, ".cursor")),
)
