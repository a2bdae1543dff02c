"""Pipe buffer sizes and read sizes (L2 shim).

Linux pipes hold 64 KiB by default: a 10 MB message then crosses in 160 reads and writes, each a
wake-up of the reader. The shim asks for 1 MiB (the unprivileged maximum, ``fs.pipe-max-size``) on
the pipes it creates: to the server and to its recorder process. Elsewhere this does nothing.

Reads are sized by :func:`next_read`: ``os.read(fd, n)`` allocates ``n`` bytes first, and above
glibc's mmap threshold (128 KiB) that is an ``mmap`` plus page faults plus an ``munmap`` (with a TLB
shoot-down in a threaded process) on every read, however few bytes arrive: measured 36 µs for a
300-byte message read with ``n`` = 1 MiB, 1.2 µs with 64 KiB. So a read asks for
:data:`SMALL_READ` and only switches to :data:`LARGE_READ` while reads come back full (a large
message is streaming), where the cost per byte is negligible.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from typing import Final

PIPE_SIZE: Final = 1 << 20
SMALL_READ: Final = 1 << 16  # served from the heap
LARGE_READ: Final = 1 << 20  # one (grown) pipe's worth
_F_SETPIPE_SZ: Final = 1031  # Linux; fcntl.F_SETPIPE_SZ is only exposed from Python 3.10 on Linux


def grow_pipe(fd: int, size: int = PIPE_SIZE) -> None:
    """Ask for a ``size``-byte buffer on pipe ``fd``; harmless when refused or not Linux."""
    if sys.platform != "win32":  # Windows has no fcntl
        try:
            import fcntl

            fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", _F_SETPIPE_SZ), size)
        except (ImportError, OSError):
            pass


def next_read(got: int) -> int:
    """The size of the next read after one that returned ``got`` bytes."""
    return LARGE_READ if got >= SMALL_READ else SMALL_READ
