"""The recorder keeps events while the spool is unwritable and records the outage afterwards."""

from __future__ import annotations

import errno
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
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
        self.lines: list[tuple[str, Any]] = []

    def emit_many(self, events: Sequence[tuple[str, Mapping[str, object], float]]) -> None:
        if self.full:
            self.failures += 1
            raise OSError(errno.ENOSPC, "No space left on device")
        self.lines.extend((kind, body) for kind, body, _at in events)

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
    assert recorder.sync()  # a sync is answered once the batch before it was written (or not)
    assert spool.failures >= 1
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


def test_the_recorders_set_up_imports_no_detector_or_ledger(sandbox_home: Path) -> None:
    """The recorder process starts in every session: the pin store and the description detector
    it imports wait for the first ``tools/list`` answer (measured: 28 ms, 2 MB RSS)."""
    code = (
        "import sys; from hardener.shim import settings; from hardener.shim.locate import locate;"
        " from hardener.shim.session import prepare; loc = locate();"
        " launch = {'transport': 'stdio', 'argv': ['x'], 'env_names': []};"
        " session = prepare(loc, settings.load_settings(loc, []), client='c', server='s',"
        " launch=launch); tracker, open_spool = session.recorder._setup(); open_spool().close();"
        " assert tracker.on_tools_list is not None;"
        " print(sorted(m for m in sys.modules if m.startswith(('hardener.detect',"
        " 'hardener.ledger', 'hardener.pin_store', 'hardener.daemon'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
