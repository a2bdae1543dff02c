"""What the relay hands the recorder: one small class per kind of message (L2 shim).

The relay threads (and the shim's main thread) describe what happened in these messages; the
:class:`~hardener.shim.recording.recorder.Recorder` turns them into spool events. In the thread
recorder they travel through a queue as they are; to the recorder process they are framed by
:mod:`hardener.shim.recording.wire`. Every class has a ``KIND`` byte for that framing.

Plain slotted classes (no ``dataclasses``/``typing`` import): they are built on every relayed
chunk, and the shim's start-up stays lean.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import ClassVar

    Event = tuple[str, Mapping[str, object]]  # kind, body (a TypedDict of hardener.event_bodies)


class Chunk:
    """Relayed bytes, as forwarded (partial lines, many lines); only lines of bounded size."""

    KIND: ClassVar[int] = 1
    __slots__ = ("at", "data", "direction")

    def __init__(self, direction: str, data: bytes, at: float) -> None:
        self.direction = direction
        self.data = data
        self.at = at


class Parsed:
    """One whole line of a gated direction, already parsed, with the gate's audit note."""

    KIND: ClassVar[int] = 2
    __slots__ = ("at", "data", "direction", "msg", "note")

    def __init__(
        self, direction: str, data: bytes, msg: object, at: float, note: dict[str, object] | None
    ) -> None:
        self.direction = direction
        self.data = data
        self.msg = msg
        self.at = at
        self.note = note


class Oversized:
    """A line too long to keep: its size, digest, first and last bytes (the line is not sent)."""

    KIND: ClassVar[int] = 3
    __slots__ = ("at", "blake3", "direction", "head", "size", "tail", "terminated")

    def __init__(
        self,
        direction: str,
        *,
        size: int,
        blake3: str,
        head: bytes,
        tail: bytes,
        terminated: bool,
        at: float,
    ) -> None:
        self.direction = direction
        self.size = size
        self.blake3 = blake3
        self.head = head
        self.tail = tail
        self.terminated = terminated
        self.at = at


class Eof:
    """One direction of the stream has ended."""

    KIND: ClassVar[int] = 4
    __slots__ = ("direction",)

    def __init__(self, direction: str) -> None:
        self.direction = direction


class Events:
    """Events made by the shim itself (e.g. a refused call), recorded in order with the rest."""

    KIND: ClassVar[int] = 5
    __slots__ = ("events",)

    def __init__(self, events: list[Event]) -> None:
        self.events = events


class Started:
    """``session.start`` (if not recorded yet), then ``events``."""

    KIND: ClassVar[int] = 6
    __slots__ = ("events",)

    def __init__(self, events: list[Event]) -> None:
        self.events = events


class Sync:
    """Everything before has been handled once ``done`` is called (the recorder process answers
    on its status pipe instead; there ``done`` is None)."""

    KIND: ClassVar[int] = 7
    __slots__ = ("done",)

    def __init__(self, done: Callable[[], object] | None = None) -> None:
        self.done = done


class End:
    """The end of the session: write ``session.end`` and everything still pending, then stop."""

    KIND: ClassVar[int] = 8
    __slots__ = ("exit_code", "extra", "reason")

    def __init__(
        self, reason: str, exit_code: int | None, extra: Mapping[str, object] | None
    ) -> None:
        self.reason = reason
        self.exit_code = exit_code
        self.extra = extra


class Launch:
    """The launch description (argv, child pid…), sent to the recorder process first."""

    KIND: ClassVar[int] = 9
    __slots__ = ("launch",)

    def __init__(self, launch: dict[str, object]) -> None:
        self.launch = launch


if TYPE_CHECKING:
    Message = Chunk | Parsed | Oversized | Eof | Events | Started | Sync | End | Launch
