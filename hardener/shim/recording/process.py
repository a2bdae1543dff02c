"""The recorder in a forked process, so that recording never competes with the relay (L2 shim).

In one process the recorder thread and the relay threads share the GIL: while the recorder parses a
1 MB message or encodes events, a relay thread that has bytes to forward waits, and the GIL's
hand-off (up to the 5 ms switch interval) shows up as latency spikes. On POSIX the shim therefore
forks, before it starts any thread or the server, a recorder process that runs the ordinary
:class:`~hardener.shim.recording.recorder.Recorder` logic at a lower priority (``nice`` 5, and on
Linux ``SCHED_BATCH``, so its wake-ups never preempt the relay, the client or the server; it keeps
its fair share of the CPU, so it cannot starve on a busy machine: measured with two CPU hogs, a
burst of 3,000 calls took 1.7 s to record under ``SCHED_BATCH`` and 126 s under ``SCHED_IDLE``,
which gained nothing measurable on an idle machine either; ``nice`` 0 halved the burst but doubled
the p99 of small calls with ``cat``). A relay thread passes what it
forwards through its :class:`~hardener.shim.recording.framing.Tap` (a long line becomes a small
summary) and writes the messages, framed by :mod:`hardener.shim.recording.wire`, straight into a
non-blocking pipe to it (1 MiB, :mod:`hardener.shim.pipes`) *before* forwarding them: a message is
forwarded only once all of it is in that pipe, which belongs to the recorder process and survives
the shim. When the pipe is full (the recorder has fallen 1 MiB behind) the relay waits until it
has room (back-pressure): nothing is ever held in the shim's memory, dropped, or forwarded
unrecorded, and memory stays bounded.

The recorder works in batches: once it has handled everything in the pipe it writes the batch's
events to the spool with one ``write`` and pauses before reading again (a whole burst of tool calls
costs one wake-up). The pause adapts to the traffic: long enough for the pipe to collect about a
quarter of its size at the rate of the last batch, from :data:`BATCH_PAUSE` to
:data:`BATCH_PAUSE_MAX` (so a steady stream of small calls costs one wake-up per
:data:`BATCH_PAUSE_MAX`, and heavy traffic does not fill the pipe during a pause). The longest
pause is 25 ms, not more: a longer one gathers bigger batches whose processing comes as a burst
of CPU that, on a 2-core machine, delays the relay's next calls (a 100 ms cap measured the same
medians but a worse cat tail in one run). An event
therefore reaches the spool at most about :data:`BATCH_PAUSE_MAX` plus the batch's processing time
after its message was relayed; a ``Sync``, the end, or a full pipe cut the pause short (a byte on
the wake pipe). What the pipe holds survives the shim: the recorder reports ``B`` (spool broken) /
``O`` (writable again) on a status pipe for fail-closed, ignores SIGINT/SIGTERM/SIGHUP and exits at
the end of its input: after the shim's ``END`` record, or at EOF when the shim was killed, in which
case it still writes every event it received and a ``session.end`` with reason ``shim_gone``.
Windows (no ``fork``), or ``HARDENER_SHIM_RECORDER=thread``, use the recorder thread instead.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

from hardener.shim.gate import Gate
from hardener.shim.pipes import PIPE_SIZE, READ_SIZE, grow_pipe
from hardener.shim.recording import wire
from hardener.shim.recording.framing import Tap
from hardener.shim.recording.messages import (
    Chunk,
    End,
    Eof,
    Events,
    Launch,
    Parsed,
    Started,
    Sync,
)
from hardener.shim.recording.recorder import SYNC_SECONDS, Recorder, wait_for_first_answer

# POSIX only (fork); Windows uses the recorder thread. Tells mypy --platform win32 as well.
assert sys.platform != "win32"

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from typing import Final

    from hardener.shim.recording.messages import Message
    from hardener.shim.recording.recorder import Setup

HEADER: Final = wire.HEADER
_pack = HEADER.pack
_CHUNK: Final = Chunk.KIND
WAIT_SECONDS: Final = 10.0
#: Records up to this size are joined into one buffer for ``write``; larger ones use ``writev``.
SMALL: Final = 16 * 1024
#: The recorder's pause between batches: the shortest, and the longest (steady, light traffic).
BATCH_PAUSE: Final = float(os.environ.get("HARDENER_RECORDER_BATCH", "0.010"))
BATCH_PAUSE_MAX: Final = float(os.environ.get("HARDENER_RECORDER_BATCH_MAX", "0.025"))
#: A pause is cut so that the pipe collects about this much during it, at the rate last seen.
PAUSE_FILL: Final = PIPE_SIZE // 4


class ProcessRecorder:
    """The shim's side: the same methods as :class:`Recorder`, feeding the recorder process."""

    def __init__(
        self,
        setup: Setup,
        gate: Gate,
        warn: Callable[[str], None],
        launch: dict[str, object],
        keep_closed: list[int],
    ) -> None:
        self._setup = setup
        self.gate = gate
        self._warn = warn
        self._launch = launch
        self._keep_closed = keep_closed
        self._pid = 0
        self._fd = -1
        self._status = -1
        self._lock = threading.Lock()  # a plain lock: ``with`` on it costs no Python call
        self._broken = False
        #: How many times a record had to wait for room in the pipe (the recorder was behind).
        self.waits = 0
        self._give_up_at: float | None = None  # set by finish: how long the end may wait
        self._synced = threading.Condition()
        self._sync_sent = 0
        self._sync_acked = 0
        self._taps = {"c2s": Tap("c2s"), "s2c": Tap("s2c")}
        self._wake = -1

    # --- lifecycle ------------------------------------------------------------------------
    def fork(self) -> None:
        """Start the recorder process. Call before any thread or child process exists."""
        read_end, self._fd = os.pipe()
        status_read, status_write = os.pipe()
        wake_read, self._wake = os.pipe()
        pid = os.fork()
        if (
            pid == 0
        ):  # pragma: no cover - runs in the forked recorder (covered by integration tests)
            code = 0
            try:
                os.close(self._fd)
                os.close(status_read)
                os.close(self._wake)
                for fd in self._keep_closed:
                    os.close(fd)
                _serve(
                    read_end,
                    status_write,
                    wake_read,
                    self._setup,
                    self.gate,
                    warn=self._warn,
                    launch=self._launch,
                )
            except BaseException:  # nothing may escape a forked child
                code = 1
            finally:
                os._exit(code)
        os.close(read_end)
        os.close(status_write)
        os.close(wake_read)
        os.set_blocking(self._wake, False)
        self._pid = pid
        self._status = status_read
        grow_pipe(self._fd)
        os.set_blocking(self._fd, False)

    def start(self) -> None:
        if not self._pid:
            self.fork()
        self._send(wire.encode(Launch(self._launch)))
        threading.Thread(target=self._watch_status, name="hardener-status", daemon=True).start()

    def _send(self, parts: list[bytes]) -> None:
        """Write one record into the pipe; return once all of it is there (or the recorder is gone)."""
        with self._lock:
            if self._broken:
                return
            try:
                written = os.writev(self._fd, parts)  # no copy of a large payload
            except BlockingIOError:
                written = 0
            except OSError:
                self._gone()
                return
            if written < sum(map(len, parts)):
                self._wait_and_write(memoryview(b"".join(parts))[written:])

    def _send_line(self, header: bytes, data: bytes) -> None:
        """:meth:`_send` for the common record (a header and one payload), without the lists."""
        with self._lock:
            if self._broken:
                return
            try:
                written = os.writev(self._fd, (header, data))
            except BlockingIOError:
                written = 0
            except OSError:
                self._gone()
                return
            if written < len(header) + len(data):
                self._wait_and_write(memoryview(header + data)[written:])

    def _wait_and_write(self, rest: memoryview) -> None:
        """The pipe is full: the recorder is behind. Wait for room and write the rest (the lock is
        held, so records stay in order and the relay waits: back-pressure, never a queue here)."""
        self.waits += 1
        self._wake_up()  # not a pause's worth of waiting: the recorder reads now
        while rest and not self._broken:
            if self._give_up_at is not None and time.monotonic() > self._give_up_at:
                self._broken = True  # finish() stops the recorder that cannot take the end
                return
            select.select([], [self._fd], [], 1.0)
            try:
                rest = rest[os.write(self._fd, rest) :]
            except BlockingIOError:
                continue
            except OSError:
                self._gone()

    def _gone(self) -> None:
        if not self._broken:
            self._broken = True
            self._warn(
                "hardener-shim: warning: the recorder process is gone; relaying without recording"
            )

    def _watch_status(self) -> None:
        while True:
            try:
                data = os.read(self._status, 64)
            except OSError:
                data = b""
            if not data:
                os.close(self._status)
                with self._synced:
                    self._sync_acked = self._sync_sent  # nobody left to wait for
                    self._synced.notify_all()
                return
            acks = data.count(b"S")
            if acks:
                with self._synced:
                    self._sync_acked += acks
                    self._synced.notify_all()
            status = data.replace(b"S", b"")
            if status:
                self.gate.recording_broken = status[-1:] == b"B"

    def finish(
        self,
        reason: str,
        exit_code: int | None,
        extra: Mapping[str, object] | None = None,
        timeout: float = WAIT_SECONDS,
    ) -> None:
        """Record the end of the session and wait until the recorder has written everything."""
        self._give_up_at = time.monotonic() + timeout
        self._send(wire.encode(End(reason, exit_code, extra)))
        self._wake_up()
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1
                self._broken = True  # nothing more can be sent
        deadline = time.monotonic() + timeout
        while self._pid:
            done, _status = os.waitpid(self._pid, os.WNOHANG)
            if done:
                return
            if time.monotonic() > deadline:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
                return
            time.sleep(0.005)

    def _wake_up(self) -> None:
        """Cut the recorder's batching pause short: someone waits for it (a sync, the end)."""
        with contextlib.suppress(OSError):  # full (it is awake anyway) or gone
            os.write(self._wake, b"w")

    # --- called from the relay threads (cheap) --------------------------------------------
    def hand_off(self, direction: str, forward: Callable[[bytes], None]) -> Callable[[bytes], None]:
        """What the relay-only loop calls per read: :meth:`chunk` (stamped now), then ``forward``,
        in one call. The common case (a bounded read that ends a line: one record, one
        ``write``) looks nothing up per call; ``forward`` runs once the record is all in the pipe,
        outside the lock (the other direction's records never wait for this one's forwarding)."""
        tap, limit, flag, pack = (
            self._taps[direction],
            self._taps[direction].limit,
            direction == "s2c",
            _pack,
        )
        acquire, release = self._lock.acquire, self._lock.release
        write, writev, chunk = os.write, os.writev, self.chunk
        monotonic, whole = time.monotonic, HEADER.size

        def tee(data: bytes) -> None:
            size = len(data)
            if not (tap.idle and size <= limit and data[-1:] == b"\n"):
                chunk(direction, data, monotonic())
                forward(data)
                return
            header = pack(_CHUNK, flag, monotonic(), size)
            acquire()  # not ``with``: half the cost (60 against 114 ns)
            try:
                if not self._broken:
                    try:  # a small record is cheaper joined than gathered (0.5 against 0.67 µs)
                        written = (
                            write(self._fd, header + data)
                            if size < SMALL
                            else writev(self._fd, (header, data))
                        )
                    except BlockingIOError:
                        written = 0
                    except OSError:
                        self._gone()
                        written = whole + size
                    if written < whole + size:
                        self._wait_and_write(memoryview(header + data)[written:])
            finally:
                release()
            forward(data)

        return tee

    def chunk(self, direction: str, data: bytes, at: float) -> None:
        tap = self._taps[direction]
        if tap.idle and len(data) <= tap.limit and data.endswith(b"\n"):  # Tap.feed's common case
            self._send_line(_pack(_CHUNK, direction == "s2c", at, len(data)), data)
            return
        for msg in tap.feed(data, at):
            self._send(wire.encode(msg))

    def line(
        self, direction: str, data: bytes, msg: object, at: float, note: dict[str, object] | None
    ) -> None:
        self._send(wire.encode(Parsed(direction, data, msg, at, note)))

    def eof(self, direction: str) -> None:
        for msg in self._taps[direction].flush(time.monotonic()):
            self._send(wire.encode(msg))
        self._send(wire.encode(Eof(direction)))

    def sync(self, timeout: float = SYNC_SECONDS) -> bool:
        """Wait until the recorder process has processed every record sent so far (it answers
        ``S`` on the status pipe); False after ``timeout`` or when it is gone."""
        if self._broken or not self._pid:
            return False
        with self._synced:
            self._sync_sent += 1
            token = self._sync_sent
        self._send(wire.encode(Sync()))
        self._wake_up()
        with self._synced:
            return self._synced.wait_for(lambda: self._sync_acked >= token, timeout)

    def events(self, events: list[tuple[str, Mapping[str, object]]]) -> None:
        self._send(wire.encode(Events(events)))

    def started_events(self, events: list[tuple[str, Mapping[str, object]]]) -> None:
        self._send(wire.encode(Started(events)))


# --- the recorder process ----------------------------------------------------------------------


class _Reader:
    """Messages from the pipe. When it has consumed everything, it pauses before reading again,
    so that records arrive in batches: one wake-up per batch instead of per message keeps the
    recorder from competing with the relay, the client and the server. The pause adapts to the
    traffic: as long as the pipe would collect at most :data:`PAUSE_FILL` bytes at the rate of the
    last batch, up to ``longest`` (a steady stream of small calls costs one wake-up per
    ``longest``), never shorter than ``shortest``. A byte on the ``wake`` pipe (the shim waits for
    a sync or the end, or found the pipe full) cuts the pause short."""

    def __init__(
        self,
        fd: int,
        wake: int = -1,
        pause: float = BATCH_PAUSE,
        longest: float = BATCH_PAUSE_MAX,
    ) -> None:
        self.fd = fd
        self.wake = wake
        self.buf = bytearray()
        self.pause = pause
        self.shortest = pause
        self.longest = max(pause, longest) if pause > 0 else 0.0  # 0: never pause
        self._ready: deque[Message] = deque()
        self._got = 0  # bytes read since the last pause ended
        self._woke = time.monotonic()

    def _adapt(self, now: float) -> None:
        """The next pause, from the rate at which bytes arrived since the last pause ended."""
        took = now - self._woke
        if self._got and took > 0:
            self.pause = min(self.longest, max(self.shortest, PAUSE_FILL * took / self._got))
        else:
            self.pause = self.longest
        self._got = 0

    def _rest(self) -> None:
        self._adapt(time.monotonic())
        if self.wake < 0:
            time.sleep(self.pause)
        elif select.select([self.wake], [], [], self.pause)[0]:
            try:
                if not os.read(self.wake, 64):  # the shim is gone: no more pauses
                    os.close(self.wake)
                    self.wake, self.shortest, self.longest = -1, 0.0, 0.0
            except OSError:
                self.wake, self.shortest, self.longest = -1, 0.0, 0.0
        self._woke = time.monotonic()

    def _decode_whole(self) -> None:
        """Decode every whole record in the buffer into :attr:`_ready` (one pass per read)."""
        buf, pos, have = self.buf, 0, len(self.buf)
        size, unpack, decode, ready = HEADER.size, HEADER.unpack_from, wire.decode, self._ready
        while have - pos >= size:
            kind, direction, at, length = unpack(buf, pos)
            end = pos + size + length
            if end > have:
                break
            payload = bytes(buf[pos + size : end])
            pos = end
            try:
                ready.append(decode(kind, direction, at, payload))
            except wire.WireError:
                continue
        if pos:
            del buf[:pos]

    def ready(self) -> bool:
        """A message is decoded: :meth:`next` returns without reading."""
        return bool(self._ready)

    def next(self) -> Message | None:
        """The next message; None at the end of the input."""
        ready = self._ready
        while not ready:
            if self.longest and not self.buf:
                self._rest()
            need = READ_SIZE
            if len(self.buf) >= HEADER.size:  # the rest of a large record at once
                need = max(need, HEADER.size + HEADER.unpack_from(self.buf)[3] - len(self.buf))
            data = os.read(self.fd, need)
            if not data:
                return None
            self._got += len(data)
            self.buf += data
            self._decode_whole()
        return ready.popleft()


def _without_openssl() -> None:
    """Keep OpenSSL out of the recorder process: ~3.4 MB of RSS (``libcrypto``) it does not need.

    ``hashlib`` and ``hmac`` use CPython's built-in SHA-256 when ``_hashlib`` cannot be imported
    (what a ``None`` in :data:`sys.modules` makes ``import`` do; both modules are written for builds
    without OpenSSL). The built-in is slower (about 360 MB/s against 2 GB/s with SHA-NI), which the
    recorder can afford: it hashes lines of at most the parse limit (1 MiB) and small values, off
    the relay's path. A long line's digest (BLAKE3, :mod:`hardener.shim.recording.framing`) is
    computed in the shim. Does nothing when the shim had already loaded OpenSSL before forking.
    """
    if "_hashlib" not in sys.modules and "hashlib" not in sys.modules:
        sys.modules["_hashlib"] = None  # type: ignore[assignment]


def _serve(
    fd: int,
    status: int,
    wake: int,
    setup: Setup,
    gate: Gate,
    *,
    warn: Callable[[str], None],
    launch: dict[str, object],
) -> None:
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    _without_openssl()
    with contextlib.suppress(OSError):
        os.nice(
            int(os.environ.get("HARDENER_RECORDER_NICE", "5"))
        )  # the relay, client and server come first
    if sys.platform == "linux":  # and a wake-up of the recorder never preempts them
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    reader = _Reader(fd, wake)
    first = reader.next()
    if not isinstance(first, Launch):
        return
    launch.update(first.launch)
    gone = End("shim_gone", None, None)  # the shim is gone without saying goodbye

    def next_message() -> Message:
        return reader.next() or gone

    waiting = wait_for_first_answer(next_message)  # set up only once the server has answered
    backend = Recorder(setup, gate, warn)

    def report(broken: bool) -> None:
        gate.recording_broken = broken
        with contextlib.suppress(OSError):
            os.write(status, b"B" if broken else b"O")

    def ack() -> None:
        with contextlib.suppress(OSError):
            os.write(status, b"S")

    backend.on_status = report
    try:
        backend._prepare()
    except Exception as exc:
        warn(f"hardener-shim: warning: recording is off: {exc}")
        for item in waiting:
            if isinstance(item, Sync):
                ack()
        while (rest := reader.next()) is not None:
            if isinstance(rest, Sync):
                ack()
        return
    while True:
        item = waiting.pop(0) if waiting else next_message()
        if isinstance(item, Sync):  # everything before it has been handled (and written)
            backend.flush()
            ack()
        elif backend.handle(item):
            return
        if not waiting and not reader.ready():  # caught up: one spool write for the batch
            backend.flush()
