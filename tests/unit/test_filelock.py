"""One lock: the daemon's single-instance lock and the ledger's writer lock are the same
primitive on every OS (the writer lock used to be a no-op on Windows)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hardener.daemon.lock import InstanceLock, is_locked
from hardener.errors import StateDirError
from hardener.filelock import is_held_elsewhere
from hardener.ledger.store import WriterLock, writer_active

HOLD = (
    "import sys; from pathlib import Path\n"
    "from hardener.ledger.store import WriterLock\n"
    "lock = WriterLock(Path(sys.argv[1])); print('held', flush=True); sys.stdin.read()\n"
)


def test_writer_lock_held_by_another_process(tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        assert writer_active(tmp_path)
        assert is_held_elsewhere(tmp_path / "writer.lock")
        with pytest.raises(StateDirError, match=f"pid {child.pid}"):
            WriterLock(tmp_path)
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=30)
    assert not writer_active(tmp_path)
    lock = WriterLock(tmp_path)  # free again once the holder is gone
    lock.release()


def test_both_locks_use_the_same_primitive(tmp_path):
    with InstanceLock(tmp_path / "run") as held:
        assert is_held_elsewhere(held.path) == is_locked(tmp_path / "run")[0]
    lock = WriterLock(tmp_path)
    try:
        with pytest.raises(StateDirError):
            WriterLock(tmp_path)  # flock is per open file: refused in the same process too
    finally:
        lock.release()
    assert not is_held_elsewhere(tmp_path / "writer.lock")
    assert not is_held_elsewhere(tmp_path / "missing.lock")
