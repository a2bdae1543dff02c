"""Export health from the real daemon to ``hardener status``: one hand-off, both real sides.

The agent runs with three policy export targets: a JSON-lines file, a real TCP syslog collector on
loopback, and a TCP syslog port nobody listens on. Its heartbeat must report each target's state
(validated against ``heartbeat.schema.json``) and ``hardener status`` must fail ``export.healthy``
naming only the dead target, with the reason.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hardener.policy import load_schema
from tests.support.daemon import DaemonProcess, run_hardener, sandbox_env, start_daemon, wait_until
from tests.support.syslog_receiver import Receiver, check_message

pytestmark = [pytest.mark.slow, pytest.mark.keychain]


def _need_keychain() -> None:
    if sys.platform == "linux" and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        if os.environ.get("CI"):
            pytest.fail("CI must run these tests under dbus-run-session with gnome-keyring")
        pytest.skip("no session D-Bus; run the suite through scripts/test")


def _closed_port() -> int:
    """A loopback TCP port with no listener (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def collector() -> Iterator[Receiver]:
    receiver = Receiver("tcp")
    yield receiver
    receiver.close()


@pytest.fixture
def agent(tmp_path: Path, collector: Receiver) -> Iterator[tuple[DaemonProcess, Path, int]]:
    _need_keychain()
    home = tmp_path / "home"
    jsonl = home / "export" / "records.jsonl"
    dead = _closed_port()
    policy = home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text(
        "[[export.targets]]\n"
        f'type = "jsonl"\npath = "{jsonl}"\n'
        "[[export.targets]]\n"
        f'type = "syslog"\nhost = "127.0.0.1"\nport = {collector.port}\nprotocol = "tcp"\n'
        "[[export.targets]]\n"
        f'type = "syslog"\nhost = "127.0.0.1"\nport = {dead}\nprotocol = "tcp"\n'
    )
    daemon = start_daemon(home, env=sandbox_env(home))
    try:
        beat = daemon.wait_ready()
        assert beat["sealing"]["ok"], beat["sealing"]
        yield daemon, jsonl, dead
    finally:
        daemon.stop()


def _export_report(daemon: DaemonProcess, dead: int) -> dict[str, Any] | None:
    """The heartbeat once every target was tried and the live ones took records."""
    beat = daemon.heartbeat()
    export = (beat or {}).get("export") or {}
    states = list(export.values())
    tried = len(states) == 3 and any(s["problem"] for s in states)
    delivered = sum(1 for s in states if s["ok"] and s["sent"] > 0) == 2
    return beat if tried and delivered else None


def test_status_names_the_dead_export_target_from_the_agents_heartbeat(agent, collector):
    daemon, jsonl, dead = agent
    beat = wait_until(lambda: _export_report(daemon, dead), 30, "every export target tried")
    jsonschema.validate(beat, load_schema("heartbeat.schema.json"))
    export = beat["export"]
    dead_id = f"syslog:tcp://127.0.0.1:{dead}"
    assert set(export) == {
        f"jsonl:{jsonl}",
        f"syslog:tcp://127.0.0.1:{collector.port}",
        dead_id,
    }
    assert not export[dead_id]["ok"]
    assert export[dead_id]["failures"] >= 1
    assert export[dead_id]["retry_at_unix"] is not None
    assert export[dead_id]["next_seq"] == 0  # nothing skipped: it resumes from the start

    # what the live targets say they sent is what really arrived
    lines = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert len(lines) >= export[f"jsonl:{jsonl}"]["sent"] > 0
    messages = collector.wait_for(export[f"syslog:tcp://127.0.0.1:{collector.port}"]["sent"])
    assert [check_message(m)["seq"] for m in messages][: len(lines)] == [r["seq"] for r in lines][
        : len(messages)
    ]

    result = run_hardener(daemon.home, "status", "--json", env=daemon.env)
    document = json.loads(result.stdout)
    check = next(c for c in document["checks"] if c["id"] == "export.healthy")
    assert check["result"] == "fail", check
    assert check["data"]["failing"] == [dead_id]
    assert dead_id in check["detail"]
    assert "refused" in check["detail"].lower() or "connect" in check["detail"].lower()
    assert result.returncode == 1
