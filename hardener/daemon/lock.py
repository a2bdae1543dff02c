"""Single-instance lock for the per-user daemon (L2 service).

The lock is an OS advisory lock (``flock`` on POSIX, ``msvcrt.locking`` on Windows) on
``<runtime_dir>/daemon.lock``. The kernel releases it when the holder dies, so a crashed daemon
never blocks the next start; the file's content (the holder's pid) is informational, for the
"already running as pid N" message and for ``hardener daemon status``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from hardener.errors import HardenerError
from hardener.filelock import OPEN_FLAGS, is_held_elsewhere, try_lock, unlock
from hardener.fsutil import ensure_private_dir

LOCK_NAME = "daemon.lock"


class AlreadyRunningError(HardenerError):
    """Another daemon of this user holds the lock (exit 3)."""

    default_remedy = (
        "Only one agent runs per user; stop the other one first ('hardener daemon status')."
    )

    def __init__(self, path: Path, pid: int | None) -> None:
        who = f"pid {pid}" if pid is not None else "another process"
        super().__init__(f"the hardener daemon is already running ({who} holds {path})")
        self.pid = pid


def lock_path(runtime_dir: Path) -> Path:
    return runtime_dir / LOCK_NAME


def read_holder(path: Path) -> int | None:
    """The pid written in the lock file (informational; may be stale)."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def is_locked(runtime_dir: Path) -> tuple[bool, int | None]:
    """Whether some process holds the daemon lock, and the pid it wrote (no side effects)."""
    path = lock_path(runtime_dir)
    if not is_held_elsewhere(path):
        return False, None
    return True, read_holder(path)


class InstanceLock:
    """Hold the per-user daemon lock for the life of the process."""

    def __init__(self, runtime_dir: Path) -> None:
        self.path = lock_path(runtime_dir)
        self._runtime_dir = runtime_dir
        self._fd = -1

    def acquire(self) -> None:
        """Take the lock or raise :class:`AlreadyRunningError` naming the holder."""
        ensure_private_dir(self._runtime_dir)
        flags = OPEN_FLAGS | os.O_CREAT
        try:
            fd = os.open(self.path, flags, 0o600)
        except OSError as exc:
            raise HardenerError(
                f"cannot open the daemon lock {self.path}: {exc.strerror or exc}",
                remedy=f"Check that {self._runtime_dir} is yours and writable.",
            ) from exc
        if not try_lock(fd):
            os.close(fd)
            raise AlreadyRunningError(self.path, read_holder(self.path))
        # On Windows the locked byte cannot be read by others: the message then says
        # "another process" instead of the pid.
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd < 0:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        unlock(self._fd)
        os.close(self._fd)
        self._fd = -1

    @property
    def held(self) -> bool:
        return self._fd >= 0

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
