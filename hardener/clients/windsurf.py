"""Windsurf: ``~/.codeium/windsurf/mcp_config.json`` and the JetBrains plugin's file (L1)."""

from __future__ import annotations

from hardener.clients.spec import ClientSpec, ConfigFile, Table, fixed

SPEC = ClientSpec(
    id="windsurf",
    name="Windsurf",
    files=(
        ConfigFile(
            "user",
            "user",
            "json",
            (Table(("mcpServers",)),),
            locate=fixed(
                lambda p: p.path(p.home, ".codeium", "windsurf", "mcp_config.json"),
                lambda p: p.path(p.home, ".codeium", "mcp_config.json"),
            ),
        ),
    ),
    self_writes="marketplace installs write mcp_config.json",
    process_names=("Windsurf", "Windsurf.exe", "windsurf"),
    notes=(
        "A Windsurf team whitelist matches command and every argument exactly; it is held by "
        "the team admin (not on this machine) and would block wrapped servers: ask the admin to "
        "allow hardener-shim.",
        "Press the refresh button in Cascade's MCP panel after hardening.",
    ),
)
