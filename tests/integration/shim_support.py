"""Helpers for the shim's integration tests: real processes, a raw line peer, spool reading."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import jsonschema
import psutil

from hardener.policy import load_schema

TESTS = Path(__file__).resolve().parent.parent
EVERYTHING = (
    TESTS / "node_modules" / "@modelcontextprotocol" / "server-everything" / "dist" / "index.js"
)
NODE = shutil.which("node") or "node"
TIME_SERVER = [sys.executable, "-m", "mcp_server_time"]
EVERYTHING_SERVER = [NODE, str(EVERYTHING), "stdio"]
RAW_ECHO = [sys.executable, str(Path(__file__).resolve().parent / "raw_echo_server.py")]


def require_everything() -> None:
    assert EVERYTHING.exists(), (
        "run 'npm ci' in tests/ (scripts/test does) to install the MCP test servers"
    )


def shim(*command: str, client: str = "test", server: str = "x") -> list[str]:
    return [
        sys.executable,
        "-m",
        "hardener.shim",
        "--client",
        client,
        "--server",
        server,
        "--",
        *command,
    ]


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PYTEST_", "COV_"))}
    env["HOME"] = str(home)
    env.update(extra)
    return env


class RawPeer:
    """A client speaking raw bytes to a process (the shim or a server) over its stdio."""

    def __init__(
        self, argv: list[str], env: dict[str, str], *, read_lines: bool = True, **popen: Any
    ) -> None:
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            **popen,
        )
        self.lines: queue.Queue[bytes | None] = queue.Queue()
        self.stderr = b""
        self._reads_lines = read_lines
        if read_lines:
            threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()
        self._id = 1000

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)
        self.proc.stdout.close()

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        while data := self.proc.stderr.read1(65536):
            self.stderr += data
        self.proc.stderr.close()

    def send(self, data: bytes | dict[str, Any] | list[Any]) -> None:
        assert self.proc.stdin is not None
        raw = data if isinstance(data, bytes) else json.dumps(data).encode() + b"\n"
        self.proc.stdin.write(raw)
        self.proc.stdin.flush()

    def read_line(self, timeout: float = 30.0) -> bytes | None:
        return self.lines.get(timeout=timeout)

    def request(
        self, method: str, params: dict[str, Any] | None = None, timeout: float = 30.0
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Send a request and return its response and every line received meanwhile."""
        self._id += 1
        ident = self._id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": ident, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        seen: list[bytes] = []
        deadline = time.monotonic() + timeout
        while True:
            line = self.read_line(max(0.1, deadline - time.monotonic()))
            if line is None:
                raise EOFError(f"closed before answering {method}; stderr: {self.stderr[-2000:]!r}")
            seen.append(line)
            msg = json.loads(line)
            if isinstance(msg, dict) and msg.get("id") == ident and "method" not in msg:
                return msg, seen

    def initialize(
        self, version: str = "2025-11-25", capabilities: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        answer, _ = self.request(
            "initialize",
            {
                "protocolVersion": version,
                "capabilities": capabilities or {},
                "clientInfo": {"name": "raw-test", "version": "1"},
            },
        )
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return answer

    def close_stdin(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    def wait(self, timeout: float = 30.0) -> int:
        code = self.proc.wait(timeout)
        if self.proc.stdout is not None and not self._reads_lines:
            self.proc.stdout.close()
        return code

    def descendants(self, *, recorder: bool = True) -> list[psutil.Process]:
        """The process tree below this peer; ``recorder=False`` leaves out the shim's recorder fork."""
        try:
            me = psutil.Process(self.proc.pid)
            tree = me.children(recursive=True)
            if not recorder:
                mine = me.cmdline()
                tree = [p for p in tree if p.cmdline() != mine]
            return tree
        except psutil.NoSuchProcess:
            return []

    def forked_recorder(self) -> psutil.Process:
        """The shim's forked recorder process (``HARDENER_SHIM_RECORDER=process``)."""
        recorder = self.descendants()[0]
        assert recorder.cmdline() == psutil.Process(self.proc.pid).cmdline()  # the forked recorder
        return recorder

    def sigkill_shim(self, recorder: psutil.Process) -> None:
        """SIGKILL the shim alone, then close its stdin: the forked ``recorder`` must finish on its
        own (it writes what it was handed) and the server sees its stdin close."""
        server = self.descendants(recorder=False)
        self.proc.kill()
        self.wait()
        self.close_stdin()
        _gone, left = psutil.wait_procs([recorder], timeout=30)
        assert not left  # the recorder finished on its own
        psutil.wait_procs(server, timeout=10)


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    left = []
    for proc in processes:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                left.append(proc)
        except psutil.NoSuchProcess:
            continue
    return left


def spool_events(home: Path) -> list[dict[str, Any]]:
    """Every event of every spool file under the sandbox home, validated against the schema."""
    validator = jsonschema.Draft202012Validator(load_schema("event.schema.json"))
    spool = home / ".local" / "state" / "hardener" / "spool"
    events: list[dict[str, Any]] = []
    for path in sorted(spool.glob("*.jsonl")) if spool.exists() else []:
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        lines = path.read_bytes().splitlines(keepends=True)
        for number, line in enumerate(lines):
            assert line.endswith(b"\n")
            event = json.loads(line)
            validator.validate(event)
            assert event["n"] == number
            events.append(event)
    return events


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [e["kind"] for e in events]


def of_kind(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e["body"] for e in events if e["kind"] == kind]
