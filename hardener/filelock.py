"""The one advisory file lock, on every OS (L0 foundation).

``flock`` on POSIX, ``msvcrt.locking`` of the first byte on Windows. The kernel drops the lock when
its holder dies, so a crashed holder never blocks the next one. Used by the daemon's single-instance
lock (``daemon/lock.py``) and the ledger's single-writer lock (``ledger/store.py``).

On Windows the locked byte cannot be read by another process while the lock is held, and
``msvcrt`` has no shared locks: :func:`is_held_elsewhere` briefly takes the exclusive lock.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

#: Flags for opening a lock file: never through a symlink, never inherited by children.
OPEN_FLAGS = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def try_lock(fd: int) -> bool:
        """Take the exclusive lock without waiting; False when another process holds it."""
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    def _probe(fd: int) -> bool:
        if try_lock(fd):
            unlock(fd)
            return False
        return True

else:
    import fcntl

    def try_lock(fd: int) -> bool:
        """Take the exclusive lock without waiting; False when another process holds it."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _probe(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False


def is_held_elsewhere(path: Path) -> bool:
    """Whether some process holds the lock on ``path`` right now (False when there is no file)."""
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError:
        return False
    try:
        return _probe(fd)
    finally:
        os.close(fd)
