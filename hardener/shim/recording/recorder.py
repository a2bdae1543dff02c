"""The recorder thread: copies of relayed bytes in, spool lines out (L2 shim).

The relay threads hand every chunk they have forwarded (or every whole line, when a direction is
gated) to :class:`Recorder`, as typed messages (:mod:`hardener.shim.recording.messages`) through
a lock-free queue, and go back to relaying; this thread frames, parses, tracks and redacts, then
appends the events to the spool. So parsing never delays or reorders the relay. A relay thread
enqueues a chunk *before* writing it on, so a response can never be recorded before the request it
answers. Each direction's :class:`~hardener.shim.recording.framing.Tap` keeps the hand-off small
(a line longer than the parse limit is handed over as a summary, never copied).

:meth:`Recorder.handle` is also the whole of the recorder process
(:mod:`hardener.shim.recording.process`), which receives the same messages over a pipe.

Events are stamped with the time their message passed the relay (``at``, so batching does not
blur them) and collected while more messages are waiting: the spool gets one ``write`` per batch
(:meth:`Recorder.flush`, :meth:`hardener.spool.SpoolWriter.emit_many`), made as soon as the
recorder has caught up with everything handed over, before a ``Sync`` is answered and at the end.

When the spool cannot be written (disk full, permission), events wait in a bounded backlog and are
retried with every batch; a one-time warning goes to stderr; with ``fail_mode = "closed"`` the
gate then refuses tool calls. Once writing works again, a ``protocol.anomaly`` with problem
``spool_write_failed`` records the outage (and how many events were dropped) before the backlog.
"""

from __future__ import annotations

import json
import threading
import time
from _queue import SimpleQueue  # the C queue: queue.py (and heapq) are not needed
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from hardener.shim.gate import Gate
from hardener.shim.recording.framing import Line, LineAssembler, Tap
from hardener.shim.recording.messages import (
    Chunk,
    End,
    Eof,
    Events,
    Oversized,
    Parsed,
    Started,
    Sync,
)

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from typing import Final, Protocol


BACKLOG_LIMIT: Final = 10_000
#: Events collected before the spool is written even though more messages are waiting.
BATCH_LIMIT: Final = 512
REOPEN_SECONDS: Final = 1.0
#: How long a tools/call waits for the recorder to catch up before the pins are consulted.
SYNC_SECONDS: Final = 2.0

if TYPE_CHECKING:  # typing only: Protocol classes cost import time on every shim start
    from collections.abc import Mapping, Sequence

    from hardener.event_bodies import ProtocolAnomalyBody
    from hardener.json_types import JSONValue
    from hardener.shim.recording.messages import Message
    from hardener.shim.tracker import Event, SessionTracker

    class Sink(Protocol):
        """What the relay hands copies to: a :class:`Recorder` or a ``ProcessRecorder``."""

        def chunk(self, direction: str, data: bytes, at: float) -> None: ...

        def hand_off(
            self, direction: str, forward: Callable[[bytes], None]
        ) -> Callable[[bytes], None]:
            """What the relay calls per read: ``chunk`` for one direction, stamped now, then
            ``forward`` (the record is handed over before the bytes go on)."""

        def line(
            self,
            direction: str,
            data: bytes,
            msg: object,
            at: float,
            note: dict[str, object] | None,
        ) -> None: ...

        def eof(self, direction: str) -> None: ...

    class Spool(Protocol):
        def emit_many(self, events: Sequence[tuple[str, Mapping[str, object], float]]) -> None:
            """Append (kind, body, POSIX time) events, all or nothing (``OSError``)."""

        def close(self) -> None: ...

    Setup = Callable[[], tuple[SessionTracker, Callable[[], Spool]]]
    #: An event waiting to be written: kind, body, POSIX time.
    Stamped = tuple[str, Mapping[str, object], float]


class Recorder:
    """Frames, parses, tracks, redacts and writes, in its own thread.

    ``setup`` runs first in that thread and returns the tracker and a function that opens the
    spool: the heavy imports (redaction patterns, the tracker, the spool writer) happen there, after
    the server has been started, so they never delay the session's first message.
    """

    tracker: SessionTracker

    def __init__(self, setup: Setup, gate: Gate, warn: Callable[[str], None]) -> None:
        self._setup = setup
        self.gate = gate
        self._open_spool: Callable[[], Spool] = _no_spool
        self._warn = warn
        self._spool: Spool | None = None
        self._queue: SimpleQueue[Message] = SimpleQueue()
        self._taps = {"c2s": Tap("c2s"), "s2c": Tap("s2c")}
        self._assemblers = {"c2s": LineAssembler(), "s2c": LineAssembler()}
        self._backlog: deque[Stamped] = deque()
        self._batch: list[Stamped] = []
        self._offset = time.time() - time.monotonic()  # monotonic `at` -> POSIX time
        self._last_stamp = 0.0
        self._dropped = 0
        self._broken_since: datetime | None = None
        self._broken_error = ""
        self._last_open = 0.0
        self._warned = False
        self._thread = threading.Thread(target=self._run, name="hardener-recorder", daemon=True)
        self.written = 0
        self._oversized: Callable[[bytes, bytes], dict[str, object]] | None = None
        #: ``json.loads`` (:func:`hardener.jsonline.loads` once set up: orjson is imported then).
        self._loads: Callable[[bytes], JSONValue] = json.loads
        #: Called with True when the spool cannot be written, False when it works again.
        self.on_status: Callable[[bool], None] = self._set_gate

    def _set_gate(self, broken: bool) -> None:
        self.gate.recording_broken = broken

    def _prepare(self) -> None:
        from hardener.jsonline import loads
        from hardener.shim.summaries import oversized_hints

        self._oversized = oversized_hints
        self._loads = loads
        self.tracker, self._open_spool = self._setup()
        try:
            self._spool = self._open_spool()
        except Exception as exc:  # OSError, or a HardenerError from the state dir: same outcome
            self._mark_broken(exc)

    def fork(self) -> None:
        """Nothing to fork: this recorder is a thread (see :mod:`hardener.shim.recording.process`)."""

    def start(self) -> None:
        self._thread.start()

    # --- called from the relay threads (cheap) --------------------------------------------
    def hand_off(self, direction: str, forward: Callable[[bytes], None]) -> Callable[[bytes], None]:
        def tee(data: bytes) -> None:
            self.chunk(direction, data, time.monotonic())
            forward(data)

        return tee

    def chunk(self, direction: str, data: bytes, at: float) -> None:
        put = self._queue.put
        for msg in self._taps[direction].feed(data, at):
            put(msg)

    def line(
        self, direction: str, data: bytes, msg: object, at: float, note: dict[str, object] | None
    ) -> None:
        self._queue.put(Parsed(direction, data, msg, at, note))

    def eof(self, direction: str) -> None:
        for msg in self._taps[direction].flush(time.monotonic()):
            self._queue.put(msg)
        self._queue.put(Eof(direction))

    def events(self, events: list[Event]) -> None:
        self._queue.put(Events(events))

    def started_events(self, events: list[Event]) -> None:
        """Record ``session.start`` (if not yet) and then ``events``, in order with the rest."""
        self._queue.put(Started(events))

    def sync(self, timeout: float = SYNC_SECONDS) -> bool:
        """Wait until everything handed over so far has been processed (e.g. a ``tools/list``
        result observed in the pin store); False when that took longer than ``timeout``."""
        done = threading.Event()
        self._queue.put(Sync(done.set))
        return done.wait(timeout)

    def finish(
        self,
        reason: str,
        exit_code: int | None,
        extra: Mapping[str, object] | None = None,
        timeout: float = 10.0,
    ) -> None:
        """Record the end of the session and wait until every event is written (or given up)."""
        self._queue.put(End(reason, exit_code, extra))
        if self._thread.is_alive():
            self._thread.join(timeout)
        else:
            self._run()

    # --- the thread -----------------------------------------------------------------------
    def _run(self) -> None:
        waiting = wait_for_first_answer(self._queue.get)
        try:
            self._prepare()
        except Exception as exc:  # nothing can be recorded: keep draining so the relay never blocks
            self._warn(f"hardener-shim: warning: recording is off: {exc}")
            while not isinstance(item := self._queue.get(), End):
                if isinstance(item, Sync) and item.done is not None:
                    item.done()
            return
        for item in waiting:
            if self.handle(item):
                return
        self.flush()
        get, empty = self._queue.get, self._queue.empty
        while not self.handle(get()):
            if empty():
                self.flush()

    def handle(self, item: Message) -> bool:
        """Process one message; True after the end of the session has been written."""
        try:
            if isinstance(item, Chunk):
                for line in self._assemblers[item.direction].feed(item.data):
                    self._record_line(item.direction, line, item.at)
            elif isinstance(item, Parsed):
                self._write(
                    self.tracker.message(
                        item.direction, item.msg, len(item.data), item.at, item.note
                    ),
                    item.at,
                )
            elif isinstance(item, Oversized):
                line = Line(
                    item.size,
                    None,
                    head=item.head,
                    tail=item.tail,
                    blake3=item.blake3,
                    terminated=item.terminated,
                )
                self._record_line(item.direction, line, item.at)
            elif isinstance(item, Eof):
                last = self._assemblers[item.direction].flush()
                if last is not None:
                    self._record_line(item.direction, last, time.monotonic())
            elif isinstance(item, Events):
                self._write(item.events)
            elif isinstance(item, Started):
                self._write([*self.tracker.ensure_started(), *item.events])
            elif isinstance(item, Sync):
                self.flush()
                if item.done is not None:
                    item.done()
            elif isinstance(item, End):
                self._write(self.tracker.finish(item.reason, item.exit_code, item.extra))
                self.flush()
                self._flush_backlog(final=True)
                if self._spool is not None:
                    self._spool.close()
                return True
        except Exception:  # the record must never take the relay down
            import logging

            logging.getLogger(__name__).exception("recorder failed on one item")
        return False

    def _record_line(self, direction: str, line: Line, at: float) -> None:
        if line.data is None:
            assert self._oversized is not None
            hints = self._oversized(line.head, line.tail)
            self._write(
                self.tracker.oversized(
                    direction,
                    hints=hints,
                    size=line.size,
                    blake3=line.blake3 or "",
                    at=at,
                ),
                at,
            )
            return
        data = line.data
        if not data or data.isspace():  # (strip() would copy the line)
            return
        try:
            msg = self._loads(data)
        except ValueError:
            try:
                data.decode("utf-8")
                problem = "invalid_json"
            except UnicodeDecodeError:
                problem = "not_utf8"
            self._write(self.tracker.anomaly(direction, problem, size=line.size, raw=data), at)
            return
        if not line.terminated:
            self._write(
                self.tracker.anomaly(direction, "missing_final_newline", size=line.size), at
            )
        note = self.gate.audit_note(msg) if direction == "c2s" else None
        self._write(self.tracker.message(direction, msg, line.size, at, note), at)

    # --- spool with fail-open / fail-closed -----------------------------------------------
    def _write(self, events: list[Event], at: float | None = None) -> None:
        """Collect ``events`` for the next :meth:`flush`, stamped with ``at`` (the monotonic time
        their message was relayed) as POSIX time, or now; never earlier than the event before."""
        if not events:
            return
        stamp = (time.monotonic() if at is None else at) + self._offset
        stamp = max(stamp, self._last_stamp)
        self._last_stamp = stamp
        batch = self._batch
        for kind, body in events:
            batch.append((kind, body, stamp))
        if len(batch) >= BATCH_LIMIT:
            self.flush()

    def flush(self) -> None:
        """Append the collected events to the spool with one write (or keep them in the backlog
        while the spool cannot be written)."""
        self._offset = time.time() - time.monotonic()  # follows clock steps between batches
        batch = self._batch
        if not batch and not self._backlog:
            return
        self._batch = []
        if self._backlog or self._spool is None:
            for stamped in batch:
                self._queue_backlog(stamped)
            self._flush_backlog()
            return
        try:
            self._spool.emit_many(batch)
            self.written += len(batch)
        except OSError as exc:
            self._mark_broken(exc)
            for stamped in batch:
                self._queue_backlog(stamped)

    def _queue_backlog(self, stamped: Stamped) -> None:
        if len(self._backlog) >= BACKLOG_LIMIT:
            self._dropped += 1
            return
        self._backlog.append(stamped)

    def _flush_backlog(self, final: bool = False) -> None:
        if self._spool is None:
            now = time.monotonic()
            if not final and now - self._last_open < REOPEN_SECONDS:
                return
            self._last_open = now
            try:
                self._spool = self._open_spool()
            except Exception:  # still broken
                return
        spool = self._spool
        try:
            if self._broken_since is not None:
                anomaly: ProtocolAnomalyBody = {
                    "direction": "internal",
                    "problem": "spool_write_failed",
                    "since": self._broken_since.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "error": self._broken_error,
                    "dropped": self._dropped,
                }
                spool.emit_many([("protocol.anomaly", anomaly, time.time())])
                self.written += 1
                self._broken_since = None
                self._dropped = 0
                self.on_status(False)
            if self._backlog:
                spool.emit_many(self._backlog)
                self.written += len(self._backlog)
                self._backlog.clear()
        except OSError as exc:
            self._mark_broken(exc)

    def _mark_broken(self, exc: BaseException) -> None:
        if self._broken_since is None:
            self._broken_since = datetime.now(UTC)
            self._broken_error = str(getattr(exc, "strerror", None) or exc)[:200]
        self.on_status(True)
        if not self._warned:
            self._warned = True
            mode = (
                "refusing tool calls (fail_mode = closed)"
                if self.gate.fail_closed
                else "relaying without recording (fail_mode = open)"
            )
            self._warn(
                f"hardener-shim: warning: cannot write the audit spool ({self._broken_error}); {mode}"
            )


def _no_spool() -> Spool:
    raise OSError("the spool is not open yet")


def wait_for_first_answer(get: Callable[[], Message]) -> list[Message]:
    """Messages up to the server's first bytes (or the end): set-up waits, so start-up stays fast.

    The recorder's set-up (imports, redaction patterns, the spool) costs CPU; done while the server
    itself starts, it would slow the session's first answer on a busy machine.
    """
    items: list[Message] = []
    while True:
        item = get()
        items.append(item)
        if isinstance(item, End | Started):
            return items
        if isinstance(item, Chunk | Parsed | Oversized | Eof) and item.direction == "s2c":
            return items
