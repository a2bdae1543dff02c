"""Running a real ``hardener daemon run`` process in a sandbox home, for integration tests.

Readiness is a handshake: the agent's ``status.json`` names the child's pid with state "running".
Stopping is SIGTERM and a bounded wait; the helper records the agent's child processes so tests
can assert none outlives it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from hardener.paths import Platform, hardener_paths

HANDSHAKE_TIMEOUT = 60.0


def sandbox_env(home: Path, *, keychain: bool = True, **extra: str) -> dict[str, str]:
    """The environment of a process confined to ``home`` (XDG dirs inside it)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "CLAUDE_", "CODEX_", "GEMINI_", "HARDENER_"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        PYTHONUNBUFFERED="1",
    )
    if not keychain:
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/hardener-test-bus"
    env.update(extra)
    return env


def wait_until(
    predicate: Callable[[], Any], timeout: float = HANDSHAKE_TIMEOUT, what: str = ""
) -> Any:
    """Poll ``predicate`` until it returns a truthy value (bounded; raises with ``what``)."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


@dataclass
class DaemonProcess:
    home: Path
    env: dict[str, str]
    proc: subprocess.Popen[str]
    children: list[psutil.Process] = field(default_factory=list)

    @property
    def paths(self):  # type: ignore[no-untyped-def]
        return hardener_paths(Platform.current(self.env))

    def heartbeat(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.paths.public_dir / "status.json").read_text())
        except (OSError, ValueError):
            return None

    def wait_ready(self, timeout: float = HANDSHAKE_TIMEOUT) -> dict[str, Any]:
        def ready() -> dict[str, Any] | None:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"daemon exited early ({self.proc.returncode}): {self.stderr()}"
                )
            beat = self.heartbeat()
            if beat and beat.get("pid") == self.proc.pid and beat.get("state") == "running":
                return beat
            return None

        return wait_until(ready, timeout, "the daemon's ready heartbeat")

    def stderr(self) -> str:
        log = self.paths.logs_dir / "daemon.log"
        return log.read_text() if log.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            try:
                self.children = psutil.Process(self.proc.pid).children(recursive=True)
            except psutil.Error:
                self.children = []
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        return code

    def orphans(self) -> list[psutil.Process]:
        return [c for c in self.children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]


def start_daemon(home: Path, *args: str, env: dict[str, str] | None = None) -> DaemonProcess:
    environment = env or sandbox_env(home)
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardener", "daemon", "run", *args],
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(home),
    )
    return DaemonProcess(home, environment, proc)


def run_hardener(home: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "hardener", *args],
        env=env or sandbox_env(home),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=str(home),
    )
