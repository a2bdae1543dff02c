"""Appending events to a spool file, one JSON line each (L2 service).

Each writer (a shim session, or a CLI run that changed configs) owns one file
``<state>/spool/<session>.jsonl`` (0600, never through a symlink) and appends complete lines with
single ``write`` calls on an ``O_APPEND`` descriptor, so a crash can at worst leave one torn last
line, which the daemon detects. A write that fails half-way (disk full) is cut back to the last
complete line, so a later successful write never follows a torn one. The daemon is the only reader; it seals lines in order and removes
the file once the session has ended and every line is sealed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from hardener.events import encode_line, make_event, new_session_id
from hardener.fsutil import ensure_private_dir, open_private_append
from hardener.paths import HardenerPaths

SUFFIX = ".jsonl"


def spool_path(paths: HardenerPaths, session: str) -> Path:
    return paths.spool_dir / f"{session}{SUFFIX}"


class SpoolWriter:
    """Append-only event writer for one session."""

    def __init__(
        self, paths: HardenerPaths, *, client: str, server: str, session: str | None = None
    ) -> None:
        self.session = session or new_session_id()
        self.client = client
        self.server = server
        self._n = 0
        ensure_private_dir(paths.state_dir)
        ensure_private_dir(paths.spool_dir)
        self.path = spool_path(paths, self.session)
        self._fd = open_private_append(self.path)
        self._size = os.fstat(self._fd).st_size

    def emit(self, kind: str, body: Mapping[str, object], *, moment: datetime | None = None) -> int:
        """Append one event; returns its ``n``. Raises ``OSError`` subclasses on a full disk."""
        event = make_event(
            kind,
            body,
            session=self.session,
            n=self._n,
            client=self.client,
            server=self.server,
            moment=moment or datetime.now(UTC),
        )
        data = encode_line(event)
        written = 0
        try:
            while written < len(data):
                written += os.write(self._fd, data[written:])
        except OSError:
            if written:  # never leave a torn line in front of the next event
                with contextlib.suppress(OSError):
                    os.ftruncate(self._fd, self._size)
            raise
        self._size += len(data)
        self._n += 1
        return self._n - 1

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> SpoolWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
