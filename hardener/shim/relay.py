"""The byte relay: one thread per direction, forwarding first (L2 shim).

A :class:`Pump` reads whatever its source pipe has (partial lines, many messages, 100 MB lines),
hands the chunk to the recorder (an enqueue, no parsing) and writes it on unchanged. Only a gated
direction (policy enforcement, or fail-closed with a broken spool) is framed before forwarding:
then each complete line is parsed and passed to the gate, which may forward it, rewrite it, or drop
it and answer the sender. A gated direction that was in the middle of a line when gating started
finishes that line unchanged first.

Both pumps write through an :class:`OutWriter`, which lets the other pump inject a whole message
(the shim's own answer) only at a line boundary of the stream it shares.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable

from hardener.shim.gate import Decision
from hardener.shim.pipes import READ_SIZE

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from hardener.shim.recording.recorder import Sink


_write = os.write


def write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class OutWriter:
    """Serialised writes to one pipe, with whole-message injection at line boundaries."""

    def __init__(self, fd: int, *, owns_fd: bool = True) -> None:
        self.fd = fd
        self._owns = owns_fd
        self._lock = threading.Lock()
        self._mid_line = False
        self._pending: list[bytes] = []
        self.closed = False
        self.broken = False

    def write(self, data: bytes) -> None:
        self._lock.acquire()  # not ``with``: half the cost, on every forwarded read
        try:
            if self.closed or self.broken:
                return
            if self._pending:
                data = self._write_pending(data)
                if not data:
                    return
            written = _write(self.fd, data)  # all of it, but for a full pipe
            if written < len(data):
                write_all(self.fd, memoryview(data)[written:])
            self._mid_line = data[-1:] != b"\n"
        except OSError:
            self.broken = True
            raise
        finally:
            self._lock.release()

    def _write_pending(self, data: bytes) -> bytes:
        """Finish the line being relayed, then the injected messages; what is left of ``data``."""
        if self._mid_line:
            end = data.find(b"\n")
            if end < 0:
                write_all(self.fd, data)
                return b""
            write_all(self.fd, data[: end + 1])
            data = data[end + 1 :]
        for line in self._pending:
            write_all(self.fd, line)
        self._pending.clear()
        if not data:
            self._mid_line = False
        return data

    def inject(self, line: bytes) -> None:
        """Write one complete message now, or right after the line being relayed ends."""
        with self._lock:
            if self.closed or self.broken:
                return
            if self._mid_line:
                self._pending.append(line)
                return
            try:
                write_all(self.fd, line)
            except OSError:
                self.broken = True

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
            if self._pending and not self._mid_line:
                try:
                    for line in self._pending:
                        write_all(self.fd, line)
                except OSError:
                    self.broken = True
            if self._owns:
                try:
                    os.close(self.fd)
                except OSError:
                    self.broken = True


class Pump(threading.Thread):
    """Relays one direction: ``src`` fd → ``out``; answers from the gate go to ``back``."""

    def __init__(
        self,
        direction: str,
        src: int,
        out: OutWriter,
        back: OutWriter,
        recorder: Sink,
        *,
        gated: Callable[[], bool] | None,
        check: Callable[[bytes, object], Decision],
        on_eof: Callable[[str], None],
    ) -> None:
        super().__init__(name=f"hardener-{direction}", daemon=True)
        self.direction = direction
        self.src = src
        self.out = out
        self.back = back
        self.recorder = recorder
        self.gated = gated
        self.check = check
        self.on_eof = on_eof

    def run(self) -> None:
        try:
            self._loop()
        finally:
            self.recorder.eof(self.direction)
            self.on_eof(self.direction)

    def _forward(self, data: bytes) -> None:
        try:
            self.out.write(data)
        except OSError:
            self.on_eof(f"{self.direction}-write")

    def _relay_only(self) -> None:
        """The loop of a direction that can never be gated (audit mode, fail-open): hand each
        read to the recorder, then forward it (one call, :meth:`Sink.hand_off`). Nothing else
        runs per read."""
        src, tee = self.src, self.recorder.hand_off(self.direction, self.out.write)
        read, size = os.read, READ_SIZE
        while True:
            try:
                chunk = read(src, size)
            except OSError:
                return
            if not chunk:
                return
            try:
                tee(chunk)
            except OSError:  # from forwarding: the recorder's own errors never escape
                self.on_eof(f"{self.direction}-write")

    def _loop(self) -> None:
        if self.gated is None:
            self._relay_only()
            return
        direction, src, gated = self.direction, self.src, self.gated
        record, forward = self.recorder.chunk, self.out.write
        monotonic, read = time.monotonic, os.read
        at_boundary = True
        buf = bytearray()
        while True:
            try:
                chunk = read(src, READ_SIZE)
            except OSError:
                chunk = b""
            if not chunk:
                break
            if not buf and not gated():  # the common case: record, then forward, as read
                record(direction, chunk, monotonic())
                try:
                    forward(chunk)
                except OSError:
                    self.on_eof(f"{direction}-write")
                at_boundary = chunk.endswith(b"\n")
                continue
            if not at_boundary:
                end = chunk.find(b"\n")
                head = chunk if end < 0 else chunk[: end + 1]
                record(direction, head, monotonic())
                self._forward(head)
                if end < 0:
                    continue
                at_boundary = True
                chunk = chunk[end + 1 :]
            scan = len(buf)
            buf += chunk
            start = 0
            while (end := buf.find(b"\n", scan)) >= 0:
                self._gate_line(bytes(buf[start : end + 1]))
                start = scan = end + 1
            if start:
                del buf[:start]
            if buf and not gated():  # gating ended (spool writable again): flush as is
                self._gate_line(bytes(buf), parse=False)
                at_boundary = False
                buf.clear()
        if buf:
            self._gate_line(bytes(buf))

    def _gate_line(self, line: bytes, *, parse: bool = True) -> None:
        at = time.monotonic()
        try:
            msg = json.loads(line) if parse else None
        except ValueError:
            parse = False
        if not parse:
            self.recorder.chunk(self.direction, line, at)
            self._forward(line)
            return
        decision = self.check(line, msg)
        self.recorder.line(self.direction, line, msg, at, decision.note)
        if decision.forward is not None:
            self._forward(decision.forward)
        if decision.reply is not None:
            self.back.inject(decision.reply)
