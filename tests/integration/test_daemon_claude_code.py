"""The real Claude Code CLI adds a server; the running agent wraps it on sight.

Needs ``claude`` from the npm registry (``@anthropic-ai/claude-code`` in ``tests/package.json``,
installed by ``scripts/test``); skipped where it is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.daemon import sandbox_env, start_daemon, wait_until

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def claude_binary() -> str | None:
    local = REPO / "tests" / "node_modules" / ".bin" / "claude"
    if local.exists():
        return str(local)
    override = os.environ.get("HARDENER_TEST_CLAUDE")
    return override if override and Path(override).exists() else None


def shim_implemented() -> bool:
    return importlib.util.find_spec("hardener.shim.relay") is not None


@pytest.mark.skipif(
    claude_binary() is None, reason="Claude Code CLI not installed (tests/package.json)"
)
@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_claude_mcp_add_is_wrapped_by_the_running_agent(tmp_path):
    claude = claude_binary()
    assert claude is not None
    home = tmp_path / "home"
    home.mkdir()
    keychain = bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))
    env = sandbox_env(home, keychain=keychain)
    env["DISABLE_AUTOUPDATER"] = "1"
    daemon = start_daemon(home, env=env)
    try:
        daemon.wait_ready()
        added = subprocess.run(
            [
                claude,
                "mcp",
                "add",
                "--scope",
                "user",
                "time",
                "--",
                sys.executable,
                "-m",
                "mcp_server_time",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=home,
        )
        assert added.returncode == 0, added.stderr
        config = home / ".claude.json"

        def wrapped_entry() -> dict[str, object] | None:
            try:
                entry = json.loads(config.read_text())["mcpServers"]["time"]
            except (OSError, ValueError, KeyError):
                return None
            return entry if str(entry.get("command", "")).endswith("hardener-shim") else None

        entry = wait_until(wrapped_entry, what="the agent wrapping the server claude added")
        assert entry["args"] == [
            "--client",
            "claude-code",
            "--server",
            "time",
            "--",
            sys.executable,
            "-m",
            "mcp_server_time",
        ]
        assert entry["type"] == "stdio"  # keys claude wrote are kept
        listed = subprocess.run(
            [claude, "mcp", "list"],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            cwd=home,
        )
        line = next(x for x in listed.stdout.splitlines() if x.startswith("time:"))
        assert "hardener-shim" in line
        if shim_implemented():
            assert "Connected" in line, listed.stdout

        def recorded() -> list[dict[str, object]]:
            """Events in the ledger (sealed) or, without a keychain, waiting in the spool."""
            if keychain:
                ledger = daemon.paths.ledger_dir / "ledger.jsonl"
                lines = ledger.read_text().splitlines() if ledger.exists() else []
                return [json.loads(line)["body"].get("event", {}) for line in lines]
            return [
                json.loads(raw)
                for spool in daemon.paths.spool_dir.glob("*.jsonl")
                for raw in spool.read_text().splitlines()
            ]

        wait_until(
            lambda: any(
                e.get("kind") == "config.drift" and e["body"].get("client") == "claude-code"
                for e in recorded()
            ),
            what="the repair recorded",
        )
        if shim_implemented() and keychain:
            wait_until(
                lambda: any(
                    e.get("kind") == "session.start" and e.get("client") == "claude-code"
                    for e in recorded()
                ),
                what="the shim's session sealed in the ledger",
            )
    finally:
        assert daemon.stop() == 0, daemon.stderr()
    assert daemon.orphans() == []
