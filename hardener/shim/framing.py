"""Splitting relayed byte chunks back into newline-delimited messages for the record (L2 service).

The relay forwards bytes as they arrive, in whatever pieces the pipes deliver. The recorder feeds
the same pieces to a :class:`LineAssembler`, which yields complete lines. Lines up to
``parse_limit`` bytes are kept whole for parsing; a longer line is never held in memory: the
assembler keeps its first and last :data:`WINDOW` bytes and a running SHA-256, so a 100 MB line
costs a few hundred kilobytes of memory and some hashing, and the recorder still learns its size,
its digest, and (from the head and tail) its JSON-RPC id and method.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from typing import Any, Final


WINDOW: Final = 64 * 1024
DEFAULT_PARSE_LIMIT: Final = 1024 * 1024


class Line:
    """One message line as seen by the recorder (the newline is not part of ``data``).

    ``data`` is the whole line when it is at most ``parse_limit`` bytes; otherwise ``head`` and
    ``tail`` hold its first and last :data:`WINDOW` bytes and ``sha256`` its digest.
    ``terminated`` is False for a last line without a newline.
    """

    __slots__ = ("data", "head", "sha256", "size", "tail", "terminated")

    def __init__(
        self,
        size: int,
        data: bytes | None = None,
        *,
        head: bytes = b"",
        tail: bytes = b"",
        sha256: str | None = None,
        terminated: bool = True,
    ) -> None:
        self.size = size
        self.data = data
        self.head = head
        self.tail = tail
        self.sha256 = sha256
        self.terminated = terminated


class LineAssembler:
    """Incremental newline framing with a bound on what is kept per line."""

    def __init__(self, parse_limit: int = DEFAULT_PARSE_LIMIT) -> None:
        self.parse_limit = parse_limit
        self._parts: list[bytes] = []
        self._size = 0
        self._hasher: Any = None
        self._head = b""
        self._tail = b""

    @property
    def pending(self) -> int:
        """Bytes of an unfinished line."""
        return self._size

    def feed(self, chunk: bytes) -> list[Line]:
        lines: list[Line] = []
        start = 0
        if not self._size and chunk.endswith(b"\n") and len(chunk) <= self.parse_limit:
            # The common case: whole messages in one read.
            return [Line(len(p), p) for p in chunk[:-1].split(b"\n")]
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                if start < len(chunk):
                    self._append(chunk[start:] if start else chunk)
                return lines
            self._append(chunk[start:end])
            lines.append(self._take(terminated=True))
            start = end + 1

    def flush(self) -> Line | None:
        """The unterminated last line at end of stream, if any."""
        if not self._size and not self._parts:
            return None
        return self._take(terminated=False)

    def _append(self, piece: bytes) -> None:
        if not piece:
            return
        self._size += len(piece)
        if self._hasher is None and self._size <= self.parse_limit:
            self._parts.append(piece)
            return
        if self._hasher is None:  # crossing the limit: switch to streaming
            import hashlib

            self._hasher = hashlib.sha256()
            whole = b"".join([*self._parts, piece])
            self._parts = []
            self._head = whole[:WINDOW]
            self._hasher.update(whole)
            self._tail = whole[-WINDOW:]
            return
        self._hasher.update(piece)
        if len(self._head) < WINDOW:
            self._head += piece[: WINDOW - len(self._head)]
        self._tail = (self._tail + piece)[-WINDOW:] if len(piece) < WINDOW else piece[-WINDOW:]

    def _take(self, *, terminated: bool) -> Line:
        if self._hasher is None:
            data = b"".join(self._parts) if len(self._parts) != 1 else self._parts[0]
            line = Line(self._size, data, terminated=terminated)
        else:
            line = Line(
                self._size,
                None,
                head=self._head,
                tail=self._tail,
                sha256=self._hasher.hexdigest(),
                terminated=terminated,
            )
        self._parts = []
        self._size = 0
        self._hasher = None
        self._head = self._tail = b""
        return line
