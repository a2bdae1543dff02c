"""The daemon's inbox: notices from watcher threads and signals wake one blocking wait (L2 service).

The main loop is single-threaded and blocks in :meth:`Inbox.wait` until a notice arrives, a signal
is delivered, or the next deadline passes, so an idle daemon uses no CPU. Watcher threads
:meth:`post` notices (a kind and a path); a self-pipe made of a socket pair wakes the wait (sockets
work with ``select`` on every OS and with ``signal.set_wakeup_fd``).
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Notice:
    """Something happened: ``kind`` is "config", "spool", "rewatch" or "wake"."""

    kind: str
    path: Path | None = None


class Inbox:
    """A thread-safe list of notices plus a wake-up socket pair."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Notice] = []
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._reader, selectors.EVENT_READ)

    def wakeup_fd(self) -> int:
        """The fd to hand to :func:`signal.set_wakeup_fd`: a signal wakes :meth:`wait`."""
        return self._writer.fileno()

    def post(self, notice: Notice) -> None:
        with self._lock:
            self._items.append(notice)
        self._poke()

    def _poke(self) -> None:
        # A full socket buffer already guarantees a wake-up.
        with contextlib.suppress(BlockingIOError, OSError):
            self._writer.send(b"\0")

    def wait(self, timeout: float | None) -> None:
        """Block until something was posted or signalled, or ``timeout`` seconds passed."""
        with self._lock:
            if self._items:
                return
        if timeout is not None and timeout <= 0:
            return
        if self._selector.select(timeout):
            with contextlib.suppress(BlockingIOError, OSError):
                while self._reader.recv(4096):
                    pass

    def drain(self) -> list[Notice]:
        with self._lock:
            items, self._items = self._items, []
        return items

    def close(self) -> None:
        self._selector.close()
        self._reader.close()
        self._writer.close()
