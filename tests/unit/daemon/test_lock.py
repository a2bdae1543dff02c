"""Single instance: the lock names its holder, dies with its process, and is reusable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hardener.daemon.lock import AlreadyRunningError, InstanceLock, is_locked, read_holder


def test_second_lock_names_the_holder(tmp_path):
    first = InstanceLock(tmp_path / "run")
    first.acquire()
    try:
        with pytest.raises(AlreadyRunningError) as caught:
            InstanceLock(tmp_path / "run").acquire()
        assert caught.value.exit_code == 3
        assert f"pid {__import__('os').getpid()}" in caught.value.message
        assert is_locked(tmp_path / "run")[0]
    finally:
        first.release()
    assert is_locked(tmp_path / "run") == (False, None)
    with InstanceLock(tmp_path / "run") as again:
        assert again.held


def test_lock_dir_is_private(tmp_path):
    with InstanceLock(tmp_path / "run") as lock:
        assert (tmp_path / "run").stat().st_mode & 0o777 == 0o700
        assert lock.path.stat().st_mode & 0o777 == 0o600


def test_lock_held_by_another_process_is_released_when_it_dies(tmp_path):
    run_dir = tmp_path / "run"
    code = (
        "import sys; from pathlib import Path; from hardener.daemon.lock import InstanceLock\n"
        "lock = InstanceLock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True)\n"
        "sys.stdin.read()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(run_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "held"
        locked, pid = is_locked(run_dir)
        assert locked
        assert pid == proc.pid
        with pytest.raises(AlreadyRunningError, match=f"pid {proc.pid}"):
            InstanceLock(run_dir).acquire()
    finally:
        proc.kill()
        proc.wait(timeout=10)
    # The kernel dropped the lock with the process: the stale pid in the file does not matter.
    assert read_holder(run_dir / "daemon.lock") == proc.pid
    with InstanceLock(run_dir):
        assert read_holder(run_dir / "daemon.lock") == __import__("os").getpid()
