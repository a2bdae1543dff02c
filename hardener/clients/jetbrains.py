"""JetBrains AI Assistant: ``options/llm.mcpServers.xml`` per IDE (L1 pure core), report-only.

The IDE owns this XML file and resets external edits, so hardener only reports it.
"""

from __future__ import annotations

from pathlib import Path

from hardener.clients._dirs import app_data
from hardener.clients.spec import ClientSpec, ConfigFile, FsView
from hardener.paths import Platform


def _xml(platform: Platform, fs: FsView) -> tuple[Path, ...]:
    base = platform.path(app_data(platform), "JetBrains")
    return tuple(fs.glob(base, "*/options/llm.mcpServers.xml"))


SPEC = ClientSpec(
    id="jetbrains",
    name="JetBrains AI Assistant",
    files=(
        ConfigFile(
            "user",
            "user",
            "opaque",
            locate=_xml,
            writable=False,
            reason="JetBrains AI Assistant keeps MCP servers in an IDE-owned XML file that it "
            "resets on external edits: not wrapped; configure its servers through hardener-shim "
            "in Settings | Tools | AI Assistant | MCP",
        ),
    ),
)
