"""Matching processes to configured servers, shim ancestry, restart-needed clients."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil

from hardener.processes import (
    ProcInfo,
    ServerCommand,
    find_restart_needed,
    find_unshimmed,
    is_shim,
    matches,
    program_name,
    snapshot,
)


def proc(pid, ppid, *argv, name=None, created=100.0):
    return ProcInfo(pid, ppid, name or program_name(argv[0]), tuple(argv), created)


def test_program_name_normalises():
    assert program_name("/usr/bin/python3.11") == "python"
    assert program_name("C:\\Program Files\\nodejs\\NPX.CMD") == "npx"
    assert program_name("hardener-shim.exe") == "hardener-shim"
    assert program_name("3") == "3"


def test_matches_launchers_and_console_scripts():
    npx = ("npx", "-y", "@modelcontextprotocol/server-everything")
    assert matches(["node", "/usr/bin/npx", "-y", "@modelcontextprotocol/server-everything"], npx)
    assert not matches(["node", "/usr/bin/npx", "-y", "@other/server"], npx)
    assert matches(["/venv/bin/python3", "/venv/bin/mcp-server-time"], ("mcp-server-time",))
    assert matches(["/usr/bin/python3.12", "-m", "srv"], ("python", "-m", "srv"))
    assert not matches(["/usr/bin/python3.12", "-m", "srv", "extra"], ("python", "-m", "srv"))
    assert not matches(["vim", "-m", "srv"], ("python", "-m", "srv"))
    assert not matches([], ("x",))


def test_shim_is_recognised_and_never_reported():
    shim = proc(
        10,
        1,
        "/venv/bin/python",
        "/venv/bin/hardener-shim",
        "--client",
        "c",
        "--server",
        "s",
        "--",
        "npx",
        "-y",
        "pkg",
    )
    assert is_shim(shim)
    assert is_shim(proc(11, 1, "python", "-m", "hardener.shim", "--client", "c"))
    server = proc(12, 10, "node", "/usr/bin/npx", "-y", "pkg")
    child = proc(13, 12, "node", "/cache/pkg/index.js")
    servers = [ServerCommand("cursor", "s", ("npx", "-y", "pkg"))]
    procs = {p.pid: p for p in (shim, server, child)}
    assert find_unshimmed(procs, servers) == []


def test_unshimmed_server_reported_once_per_tree():
    client = proc(5, 1, "/opt/cursor/cursor")
    server = proc(12, 5, "node", "/usr/bin/npx", "-y", "pkg")
    grandchild = proc(13, 12, "node", "/usr/bin/npx", "-y", "pkg")
    servers = [ServerCommand("cursor", "s", ("npx", "-y", "pkg"), "/home/u/.cursor/mcp.json")]
    findings = find_unshimmed({p.pid: p for p in (client, server, grandchild)}, servers)
    assert [(f.pid, f.client, f.server, f.program) for f in findings] == [
        (12, "cursor", "s", "node")
    ]
    assert "cursor/s" in findings[0].describe()


def test_restart_needed_for_clients_started_before_hardening():
    old = proc(20, 1, "/usr/bin/cursor", created=100.0)
    helper = proc(21, 20, "/usr/bin/cursor", "--type=renderer", created=101.0)
    new = proc(30, 1, "/usr/bin/codex", created=500.0)
    procs = {p.pid: p for p in (old, helper, new)}
    found = find_restart_needed(procs, {"cursor": 200.0, "codex": 200.0})
    assert [(f.client, f.pid) for f in found] == [("cursor", 20)]
    assert find_restart_needed(procs, {"cursor": 50.0}) == []
    custom = find_restart_needed(procs, {"mine": 1000.0}, {"mine": ["codex"]})
    assert [f.pid for f in custom] == [30]


def test_snapshot_sees_a_real_unshimmed_server_and_its_shimmed_twin(tmp_path):
    script = tmp_path / "fake-mcp-server"
    script.write_text(
        "import sys, time\nsys.stdout.write('up\\n'); sys.stdout.flush()\ntime.sleep(60)\n"
    )
    argv = [sys.executable, str(script), "--stdio"]
    bare = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        assert bare.stdout is not None
        assert bare.stdout.readline() == "up\n"
        procs = snapshot(psutil.Process().username())
        assert bare.pid in procs
        servers = [ServerCommand("cursor", "fake", (sys.executable, str(script), "--stdio"))]
        found = find_unshimmed(procs, servers)
        assert [f.pid for f in found] == [bare.pid]
        assert os.getpid() in procs
        assert procs[bare.pid].create_time <= time.time()
    finally:
        bare.kill()
        bare.wait(timeout=10)
        assert bare.stdout is not None
        bare.stdout.close()
