"""Killing the sealer at random moments loses and duplicates nothing (real processes, SIGKILL).

Twenty spool writers run at once (two of them are themselves killed mid-session) while the sealing
process is killed with SIGKILL twice at random moments and restarted. At the end every event is
sealed exactly once, each session in order, the killed writers' sessions are closed by the sealer,
the spool is empty and the ledger verifies.
"""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from hardener.ledger.audit import verify_ledger

from .ledger_support import (  # noqa: F401 - fixtures
    keystore_fixture,
    paths_fixture,
    sealed_events,
)

pytestmark = [pytest.mark.keychain, pytest.mark.slow]

PROCS = str(Path(__file__).with_name("ledger_procs.py"))
WRITERS = 18
EVENTS = 150


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, PROCS, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def wait_for(proc: subprocess.Popen[str], word: str, timeout: float = 60.0) -> str:
    """Read stdout lines until one starts with ``word`` (the handshake)."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if sel.select(timeout=max(0.0, deadline - time.monotonic())):
                line = proc.stdout.readline()
                if line.startswith(word):
                    return line
                if not line:
                    break
    stderr = proc.stderr.read() if proc.stderr and proc.poll() is not None else ""
    raise AssertionError(f"no {word!r} from {proc.args}: {stderr}")


def test_sigkill_twice_while_twenty_writers_spool(paths, keystore, tmp_path):
    rng = random.Random()
    stop = tmp_path / "stop"
    sealer = start("seal", str(stop))
    wait_for(sealer, "ready")
    writers = [start("write", str(EVENTS), "0.001") for _ in range(WRITERS)]
    victims = [start("write", "-1", "0.002") for _ in range(2)]
    sessions = {w: wait_for(w, "started").split()[1] for w in writers + victims}
    try:
        for _ in range(2):
            time.sleep(rng.uniform(0.05, 0.6))
            sealer.send_signal(signal.SIGKILL)
            sealer.wait(timeout=30)
            sealer = start("seal", str(stop))
            wait_for(sealer, "ready")
        for victim in victims:
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=30)
        for writer in writers:
            assert writer.wait(timeout=60) == 0
        stop.touch()
        wait_for(sealer, "done", timeout=90)
        assert sealer.wait(timeout=30) == 0
    finally:
        for proc in [sealer, *writers, *victims]:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for stream in (proc.stdout, proc.stderr):
                if stream:
                    stream.close()

    report = verify_ledger(paths, full=True, keystore=keystore)
    assert report.finding is None, report.finding
    assert list(paths.spool_dir.iterdir()) == []
    events = sealed_events(paths)
    counts = Counter((e["session"], e["n"]) for _, e in events)
    duplicates = [key for key, count in counts.items() if count > 1]
    assert not duplicates
    for proc, session in sessions.items():
        ns = [e["n"] for _, e in events if e["session"] == session]
        kinds = [e["kind"] for _, e in events if e["session"] == session]
        assert ns == list(range(len(ns))), "per-session order"
        assert kinds[0] == "session.start"
        assert kinds[-1] == "session.end"
        if proc in writers:
            assert len(ns) == EVENTS + 2
        else:
            assert len(ns) > 2  # killed mid-session: closed by the sealer
            end = [e for _, e in events if e["session"] == session][-1]
            assert end["body"]["detail"] == "writer_gone"
