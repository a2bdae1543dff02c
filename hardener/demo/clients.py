"""The demo's client configs: VS Code (JSONC with comments), Codex (TOML), Goose (YAML) (L3 edge).

Each launches the demo server; the texts are what those clients write themselves, comments
included, so ``harden`` has to splice entries into real formats and ``restore`` has to give back
the same bytes.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

SERVER = "notes"


@dataclass(frozen=True)
class DemoConfig:
    client: str
    label: str
    path: Path
    text: str


def server_args(state: Path) -> list[str]:
    return ["-m", "hardener.demo.server", "--state", str(state)]


def configs(home: Path, state: Path) -> list[DemoConfig]:
    python = json.dumps(sys.executable)
    args = json.dumps(server_args(state))
    vscode = f"""{{
  // VS Code: MCP servers of the default profile ("MCP: Open User Configuration")
  "servers": {{
    // the demo's notes server
    "{SERVER}": {{
      "type": "stdio",
      "command": {python},
      "args": {args}, // trailing commas and comments are JSONC
    }},
  }},
  "inputs": []
}}
"""
    toml_args = ", ".join(json.dumps(a) for a in server_args(state))
    codex = f"""# Codex CLI configuration
model = "o4-mini"

[mcp_servers.{SERVER}]
command = {python}
args = [{toml_args}]  # the demo's notes server
startup_timeout_sec = 10
"""
    yaml_args = "".join(f"\n      - {json.dumps(a)}" for a in server_args(state))
    goose = f"""# Goose configuration
GOOSE_PROVIDER: openai
extensions:
  {SERVER}:
    name: {SERVER}
    type: stdio
    enabled: true
    cmd: {python}
    args:{yaml_args}
    timeout: 300  # seconds
"""
    return [
        DemoConfig(
            "vscode", "VS Code, JSONC with comments", home / ".config/Code/User/mcp.json", vscode
        ),
        DemoConfig("codex", "Codex, TOML", home / ".codex/config.toml", codex),
        DemoConfig("goose", "Goose, YAML", home / ".config/goose/config.yaml", goose),
    ]


def write_configs(items: list[DemoConfig]) -> None:
    for item in items:
        item.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        item.path.write_bytes(item.text.encode("utf-8"))
