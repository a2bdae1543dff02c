"""Lifecycle: every way a session ends, without orphans, with the child's exit code and a flushed log."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.integration.shim_support import (
    RAW_ECHO,
    TIME_SERVER,
    RawPeer,
    alive,
    env_for,
    kinds,
    of_kind,
    shim,
    spool_events,
)

pytestmark = pytest.mark.slow
CALL = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "tools/call",
    "params": {"name": "slow", "arguments": {}},
}


def _started(peer: RawPeer, expect: int = 1) -> list[psutil.Process]:
    """Handshake: one line echoed back proves the child is up; then return its process tree."""
    peer.send({"jsonrpc": "2.0", "method": "notifications/ready"})
    assert peer.read_line() is not None
    found: list[psutil.Process] = []
    deadline = time.monotonic() + 20
    while len(found) < expect and time.monotonic() < deadline:
        found = peer.descendants(recorder=False)
    return [*found, *peer.descendants()]


@pytest.mark.timeout(60)
def test_client_closing_stdin_ends_child_and_shim(sandbox_home: Path) -> None:
    peer = RawPeer(shim(*RAW_ECHO, "--child"), env_for(sandbox_home))
    tree = _started(peer, expect=2)
    assert len(peer.descendants(recorder=False)) == 2  # the server and its grandchild
    peer.close_stdin()
    assert peer.wait() == 0
    assert alive(tree) == []
    events = spool_events(sandbox_home)
    assert events[-1]["kind"] == "session.end"
    assert events[-1]["body"]["reason"] == "client_closed"


@pytest.mark.timeout(60)
def test_a_child_ignoring_eof_and_sigterm_is_killed(sandbox_home: Path) -> None:
    peer = RawPeer(shim(*RAW_ECHO, "--trap"), env_for(sandbox_home))
    tree = _started(peer)
    peer.close_stdin()
    assert peer.wait() == 128 + signal.SIGKILL
    assert alive(tree) == []
    assert spool_events(sandbox_home)[-1]["kind"] == "session.end"


@pytest.mark.timeout(60)
def test_sigterm_to_the_shim_is_forwarded(sandbox_home: Path) -> None:
    peer = RawPeer(shim(*RAW_ECHO, "--child"), env_for(sandbox_home))
    tree = _started(peer, expect=2)
    peer.send(CALL)
    assert peer.read_line() is not None
    peer.proc.send_signal(signal.SIGTERM)
    assert peer.wait() == 128 + signal.SIGTERM
    assert alive(tree) == []
    events = spool_events(sandbox_home)
    end = events[-1]["body"]
    assert end["reason"] == "signal"
    assert end["signal"] == signal.SIGTERM
    assert of_kind(events, "tool.result")[-1]["status"] == "no-response"


@pytest.mark.timeout(60)
def test_a_killed_child_ends_the_shim_with_its_code(sandbox_home: Path) -> None:
    peer = RawPeer(shim(*RAW_ECHO), env_for(sandbox_home))
    _started(peer)
    server = peer.descendants(recorder=False)
    assert len(server) == 1
    server[0].kill()
    assert peer.wait() == 128 + signal.SIGKILL
    events = spool_events(sandbox_home)
    assert events[-1]["body"]["reason"] == "child_exited"
    assert events[-1]["body"]["exit_code"] == -signal.SIGKILL


@pytest.mark.timeout(60)
def test_a_child_exiting_mid_call_gives_no_response_and_its_exit_code(sandbox_home: Path) -> None:
    peer = RawPeer(shim(*RAW_ECHO, "--exit-after", "2"), env_for(sandbox_home))
    peer.send({"jsonrpc": "2.0", "method": "notifications/ready"})
    peer.send(CALL)
    assert peer.wait() == 3
    results = of_kind(spool_events(sandbox_home), "tool.result")
    assert [r["status"] for r in results] == ["no-response"]


@pytest.mark.timeout(60)
def test_the_client_vanishing_by_sigkill_ends_everything(
    sandbox_home: Path, tmp_path: Path
) -> None:
    """A client killed with SIGKILL: its pipes close, the shim sees EOF and cleans up."""
    pid_file = tmp_path / "shim.pid"
    code = (
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen({shim(*RAW_ECHO, '--child')!r}, stdin=subprocess.PIPE, stdout=subprocess.PIPE)\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        "p.stdin.write(b'{}\\n'); p.stdin.flush(); p.stdout.readline()\n"
        "print('ready', flush=True)\n"
        "time.sleep(300)\n"
    )
    client = RawPeer([sys.executable, "-c", code], env_for(sandbox_home))
    assert client.read_line() == b"ready\n"
    shim_proc = psutil.Process(int(pid_file.read_text()))
    tree = [shim_proc, *shim_proc.children(recursive=True)]
    assert len(tree) >= 3  # shim, server, grandchild (and the recorder process on POSIX)
    client.proc.kill()
    client.wait()
    deadline = time.monotonic() + 30
    while alive(tree) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive(tree) == []
    assert spool_events(sandbox_home)[-1]["kind"] == "session.end"


@pytest.mark.timeout(90)
def test_a_shim_killed_by_sigkill_loses_no_event(sandbox_home: Path) -> None:
    """SIGKILL to the shim alone, right after the answers reached the client: it cannot flush
    anything, yet its recorder process writes every call and result the client saw (the relay
    hands each message over before forwarding it), then ``session.end`` ``shim_gone``."""
    # the forked recorder (POSIX default) is what outlives the shim; the thread recorder cannot
    peer = RawPeer(shim(*TIME_SERVER), env_for(sandbox_home, HARDENER_SHIM_RECORDER="process"))
    peer.initialize()
    recorder = peer.forked_recorder()
    calls = 60
    for ident in range(calls):  # pipelined: many messages per read and per recorder batch
        peer.send(
            {
                "jsonrpc": "2.0",
                "id": ident,
                "method": "tools/call",
                "params": {"name": "get_current_time", "arguments": {"timezone": "UTC"}},
            }
        )
    answered: list[int] = []
    while len(answered) < calls:
        line = peer.read_line()
        assert line is not None
        answered.append(json.loads(line)["id"])
    peer.sigkill_shim(recorder)
    events = spool_events(sandbox_home)
    assert [c["id"] for c in of_kind(events, "tool.call")] == list(range(calls))
    results = of_kind(events, "tool.result")  # the server may answer out of order
    assert [(r["id"], r["status"]) for r in results] == [(i, "ok") for i in answered]
    assert events[-1]["kind"] == "session.end"
    assert events[-1]["body"]["reason"] == "shim_gone"
    assert events[-1]["body"]["counts"]["tool_calls"] == calls


@pytest.mark.timeout(60)
def test_command_not_found_answers_the_first_request(sandbox_home: Path) -> None:
    peer = RawPeer(
        shim("no-such-mcp-server-xyz", "--flag"), env_for(sandbox_home, PATH="/usr/bin:/bin")
    )
    answer, _ = peer.request(
        "initialize",
        {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    )
    assert "no-such-mcp-server-xyz" in answer["error"]["message"]
    assert answer["error"]["data"] == {"command": "no-such-mcp-server-xyz"}
    assert peer.wait() == 127
    assert b"no-such-mcp-server-xyz" in peer.stderr
    events = spool_events(sandbox_home)
    assert kinds(events) == ["session.start", "session.end"]
    assert events[-1]["body"]["reason"] == "error"


@pytest.mark.timeout(60)
def test_command_found_through_policy_extra_path(sandbox_home: Path, tmp_path: Path) -> None:
    bindir = tmp_path / "extra bin"
    bindir.mkdir()
    server = bindir / "echo-server"
    server.write_text(f"#!{sys.executable}\n" + Path(RAW_ECHO[1]).read_text())
    server.chmod(0o755)
    policy = sandbox_home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text(f"[shim]\nextra_path = [{json.dumps(str(bindir))}]\n")
    peer = RawPeer(shim("echo-server"), env_for(sandbox_home, PATH="/usr/bin:/bin"))
    _started(peer)
    peer.close_stdin()
    assert peer.wait() == 0
    assert of_kind(spool_events(sandbox_home), "session.start")[0]["resolved_via"] == "extra_path"


@pytest.mark.timeout(60)
def test_no_home_still_relays(sandbox_home: Path) -> None:
    env = env_for(sandbox_home)
    del env["HOME"]
    peer = RawPeer(shim(*RAW_ECHO), env)
    _started(peer)
    peer.close_stdin()
    assert peer.wait() == 0
    assert b"cannot write the audit spool" in peer.stderr
    assert os.listdir(sandbox_home) == []
