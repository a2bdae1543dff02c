"""The recorder keeps events while the spool is unwritable and records the outage afterwards."""

from __future__ import annotations

import errno
import threading
from datetime import datetime
from typing import Any

from hardener.redact import Redactor
from hardener.shim.gate import Gate
from hardener.shim.recording.recorder import Recorder
from hardener.shim.tracker import SessionTracker
from tests.support.shim_settings import shim_settings


class FlakySpool:
    """A spool whose disk is full until ``full`` is cleared (fake of one collaborator)."""

    def __init__(self) -> None:
        self.full = True
        self.failures = 0
        self.failed_twice = threading.Event()
        self.lines: list[tuple[str, dict[str, Any]]] = []

    def emit(self, kind: str, body: dict[str, Any], *, moment: datetime | None = None) -> int:
        if self.full:
            self.failures += 1
            if self.failures >= 2:  # the first failure has been handled by then
                self.failed_twice.set()
            raise OSError(errno.ENOSPC, "No space left on device")
        self.lines.append((kind, body))
        return len(self.lines) - 1

    def close(self) -> None:
        pass


def test_outage_is_recorded_once_writing_works_again() -> None:
    spool = FlakySpool()
    warnings: list[str] = []
    gate = Gate.from_settings(shim_settings({"fail_mode": "closed"}), "s")
    tracker = SessionTracker(Redactor(b"k" * 32), {"pid": 1})
    recorder = Recorder(lambda: (tracker, lambda: spool), gate, warnings.append)
    recorder.start()
    recorder.chunk(
        "c2s", b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"}}\n', 1.0
    )
    recorder.chunk(
        "c2s", b'{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"b"}}\n', 1.0
    )
    recorder.chunk("s2c", b'{"jsonrpc":"2.0","id":1,"result":{"content":[]}}\n', 2.0)
    assert spool.failed_twice.wait(10)
    assert gate.recording_broken
    assert gate.gates_c2s
    spool.full = False
    recorder.finish("client_closed", 0)
    kinds = [kind for kind, _ in spool.lines]
    assert kinds[0] == "protocol.anomaly"
    assert spool.lines[0][1]["problem"] == "spool_write_failed"
    assert spool.lines[0][1]["dropped"] == 0
    assert kinds[1:] == [
        "session.start",
        "tool.call",
        "tool.call",
        "tool.result",
        "tool.result",
        "session.end",
    ]
    assert len(warnings) == 1
    assert "fail_mode = closed" in warnings[0]
    assert not gate.recording_broken
