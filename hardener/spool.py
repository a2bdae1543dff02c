"""Appending events to a spool file, one JSON line each (L2 service).

Each writer (a shim session, or a CLI run that changed configs) owns one file
``<state>/spool/<session>.jsonl`` (0600, never through a symlink) and appends complete lines with
single ``write`` calls on an ``O_APPEND`` descriptor, so a crash can at worst leave one torn last
line, which the daemon detects. A write that fails half-way (disk full) is cut back to the last
complete line, so a later successful write never follows a torn one. The daemon is the only reader; it seals lines in order and removes
the file once the session has ended and every line is sealed.

:meth:`SpoolWriter.emit_many` appends a batch with one ``write`` (the shim's recorder writes once
per batch of relayed messages): all or nothing, the lines byte for byte what :meth:`~SpoolWriter.emit`
would have written, but encoded with the envelope's constant part prepared once per file and the
bodies by :func:`hardener.jsonline.dumps` (orjson; the same bytes as ``json``, see there).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from hardener.events import KINDS, VERSION, encode_line, make_event, new_session_id
from hardener.fsutil import ensure_private_dir, open_private_append
from hardener.jsonline import dumps
from hardener.paths import HardenerPaths

SUFFIX = ".jsonl"

#: Each kind's line up to its timestamp, in make_event's key order.
_HEADS = {kind: f'{{"v":{VERSION},"kind":"{kind}","ts":"'.encode() for kind in KINDS}


class Timestamps:
    """POSIX times as :func:`hardener.timestamps.utc_timestamp` text, the date and time of day
    formatted once per second (``strftime`` per event would cost the recorder microseconds)."""

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def text(self, posix: float) -> str:
        """``utc_timestamp(datetime.fromtimestamp(posix, UTC))``, rounded the same way."""
        second = int(posix // 1)
        micro = round((posix - second) * 1_000_000)  # the fraction is exact: no error to round
        if micro == 1_000_000:
            second, micro = second + 1, 0
        if second != self._second:
            self._second = second
            self._prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._prefix}.{micro:06d}Z"


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
        self._times = Timestamps()
        # The envelope around kind, ts, n and body, in make_event's key order.
        self._after_ts = b'","session":' + dumps(self.session) + b',"n":'
        self._after_n = b',"client":' + dumps(client) + b',"server":' + dumps(server) + b',"body":'

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
        self._append(encode_line(event))
        self._n += 1
        return self._n - 1

    def emit_many(self, events: Sequence[tuple[str, Mapping[str, object], float]]) -> None:
        """Append ``(kind, body, POSIX time)`` events with one write, numbered in order.

        All or nothing: when the write fails (``OSError``), nothing is appended (a partial write
        is cut back) and the numbering is unchanged, so the caller can retry the same batch.
        """
        if not events:
            return
        parts: list[bytes] = []
        n, text, after_ts, after_n = self._n, self._times.text, self._after_ts, self._after_n
        for kind, body, posix in events:
            head = _HEADS.get(kind)
            if head is None:
                raise ValueError(f"unknown event kind {kind!r}")
            parts.append(
                b"%s%s%s%d%s%s}\n" % (head, text(posix).encode(), after_ts, n, after_n, dumps(body))
            )
            n += 1
        self._append(b"".join(parts))
        self._n = n

    def _append(self, data: bytes) -> None:
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

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> SpoolWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
