"""Pipe buffer sizes and read sizes (L2 shim).

Linux pipes hold 64 KiB by default: a 10 MB message then crosses in 160 reads and writes, each a
wake-up of the reader. The shim asks for 1 MiB (the unprivileged maximum, ``fs.pipe-max-size``) on
the pipes it creates: to the server and to its recorder process. Elsewhere this does nothing.

Reads ask for :data:`READ_SIZE` (64 KiB), not a pipe's worth: ``os.read(fd, n)`` allocates ``n``
bytes first, and above glibc's mmap threshold (128 KiB) that is an ``mmap``, page faults and an
``munmap`` (with a TLB shoot-down in a threaded process) on every read, however few bytes arrive:
measured 36 µs to read a 300-byte message with ``n`` = 1 MiB, 1.2 µs with 64 KiB. Large messages
lose nothing either (10 MB through ``cat``: 1.16x the minimal relay's throughput with 64 KiB
reads, 1.07x when reads grew to 1 MiB while full), and the shim's peak RSS is 1.5 MB lower.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from typing import Final

PIPE_SIZE: Final = 1 << 20
READ_SIZE: Final = 1 << 16  # served from the heap
_F_SETPIPE_SZ: Final = 1031  # Linux; fcntl.F_SETPIPE_SZ is only exposed from Python 3.10 on Linux


def grow_pipe(fd: int, size: int = PIPE_SIZE) -> None:
    """Ask for a ``size``-byte buffer on pipe ``fd``; harmless when refused or not Linux."""
    if sys.platform != "win32":  # Windows has no fcntl
        try:
            import fcntl

            fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", _F_SETPIPE_SZ), size)
        except (ImportError, OSError):
            pass
