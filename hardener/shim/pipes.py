"""Pipe buffer sizes (L2 shim).

Linux pipes hold 64 KiB by default: a 10 MB message then crosses in 160 reads and writes, each a
wake-up of the reader. The shim asks for 1 MiB (the unprivileged maximum, ``fs.pipe-max-size``) on
the pipes it creates: to the server and to its recorder process. Elsewhere this does nothing.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from typing import Final

PIPE_SIZE: Final = 1 << 20
_F_SETPIPE_SZ: Final = 1031  # Linux; fcntl.F_SETPIPE_SZ is only exposed from Python 3.10 on Linux


def grow_pipe(fd: int, size: int = PIPE_SIZE) -> None:
    """Ask for a ``size``-byte buffer on pipe ``fd``; harmless when refused or not Linux."""
    if sys.platform != "win32":  # Windows has no fcntl
        try:
            import fcntl

            fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", _F_SETPIPE_SZ), size)
        except (ImportError, OSError):
            pass
