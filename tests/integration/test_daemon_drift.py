"""A real agent keeps real config files hardened while a "client" rewrites them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.daemon import (
    DaemonProcess,
    run_hardener,
    sandbox_env,
    start_daemon,
    wait_until,
)

pytestmark = pytest.mark.slow

CURSOR = """{
  "mcpServers": {
    "time": {"command": "uvx", "args": ["mcp-server-time"]},
    "files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}
  }
}
"""


def servers(path: Path) -> dict[str, dict[str, object]]:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    result = document.get("mcpServers") or {}
    assert isinstance(result, dict)
    return result


def all_wrapped(path: Path, names: set[str]) -> bool:
    found = servers(path)
    return set(found) == names and all(
        str(entry.get("command", "")).endswith("hardener-shim") for entry in found.values()
    )


def daemon_events(daemon: DaemonProcess) -> list[dict[str, object]]:
    """Events the agent recorded (its own spool while no ledger seals them)."""
    events = []
    for spool in sorted(daemon.paths.spool_dir.glob("*.jsonl")):
        for line in spool.read_text().splitlines():
            event = json.loads(line)
            if event["kind"].startswith(("config.", "alert")):
                events.append(event)
    return events


@pytest.fixture
def hardened(tmp_path):
    home = tmp_path / "home"
    config = home / ".cursor" / "mcp.json"
    config.parent.mkdir(parents=True)
    config.write_text(CURSOR)
    env = sandbox_env(home, keychain=False)
    result = run_hardener(home, "harden", "--yes", env=env)
    assert result.returncode == 0, result.stderr
    assert all_wrapped(config, {"time", "files"})
    daemon = start_daemon(home, env=env)
    daemon.wait_ready()
    yield daemon, config
    assert daemon.stop() == 0, daemon.stderr()
    assert daemon.orphans() == []


def client_replaces(config: Path, text: str) -> None:
    tmp = config.with_name("mcp.json.tmp-client")
    tmp.write_text(text)
    os.replace(tmp, config)


def client_edits_in_place(config: Path, text: str) -> None:
    with open(config, "r+") as handle:
        handle.seek(0)
        handle.write(text)
        handle.truncate()


def test_atomic_rename_unwrapping_is_repaired(hardened):
    daemon, config = hardened
    client_replaces(config, CURSOR)
    wait_until(lambda: all_wrapped(config, {"time", "files"}), what="re-wrapped after rename")
    drift = wait_until(
        lambda: [e for e in daemon_events(daemon) if e["kind"] == "config.drift"],
        what="a config.drift event",
    )
    changes = drift[0]["body"]["detail"]["changes"]
    assert {c["action"] for c in changes} == {"rewrap"}


def test_in_place_edit_and_new_server_are_repaired(hardened):
    _daemon, config = hardened
    text = config.read_text().replace(
        '"time"', '"added": {"command": "python3", "args": ["-m", "srv"]},\n    "time"', 1
    )
    client_edits_in_place(config, text)
    wait_until(lambda: all_wrapped(config, {"time", "files", "added"}), what="new server wrapped")


def test_deleted_and_recreated_file_is_repaired(hardened):
    _daemon, config = hardened
    config.unlink()
    wait_until(lambda: not config.exists(), what="file gone")
    config.write_text(CURSOR)
    wait_until(lambda: all_wrapped(config, {"time", "files"}), what="recreated file re-wrapped")


def test_wiped_block_is_rebuilt_and_deletion_respected(hardened):
    daemon, config = hardened
    wrapped_before = servers(config)
    client_replaces(config, '{\n  "theme": "dark"\n}\n')
    wait_until(lambda: servers(config) == wrapped_before, what="servers block rebuilt")
    assert json.loads(config.read_text())["theme"] == "dark"
    wait_until(
        lambda: any(e["kind"] == "config.reset_by_client" for e in daemon_events(daemon)),
        what="a config.reset_by_client event",
    )
    document = json.loads(config.read_text())
    del document["mcpServers"]["files"]
    client_replaces(config, json.dumps(document, indent=2))
    wait_until(
        lambda: any(
            c["action"] == "deleted"
            for e in daemon_events(daemon)
            for c in e["body"].get("detail", {}).get("changes", [])
        ),
        what="the deletion recorded",
    )
    assert set(servers(config)) == {"time"}


def test_a_config_of_a_client_installed_later_is_picked_up(hardened):
    _daemon, _config = hardened
    home = _daemon.home
    later = home / ".codeium" / "windsurf" / "mcp_config.json"
    later.parent.mkdir(parents=True)
    later.write_text('{"mcpServers": {"w": {"command": "node", "args": ["w.js"]}}}\n')
    wait_until(lambda: all_wrapped(later, {"w"}), what="Windsurf config wrapped on sight")
