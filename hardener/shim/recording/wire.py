"""The framing of recorder messages on the pipe to the recorder process (L2 shim).

Each message is a ``!BBdI`` header (``KIND``, direction, monotonic time, payload length) and a
payload. :func:`encode` returns the pieces for one ``writev`` (a chunk's bytes are never copied
into a bigger buffer); :func:`decode` rebuilds the message in the recorder process.
"""

from __future__ import annotations

import json
import struct

from hardener.shim.recording.messages import (
    Chunk,
    End,
    Eof,
    Events,
    Launch,
    Oversized,
    Parsed,
    Started,
    Sync,
)

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from typing import Final

    from hardener.shim.recording.messages import Message

HEADER: Final = struct.Struct("!BBdI")
DIRECTIONS: Final = ("c2s", "s2c")
_SIZES: Final = struct.Struct("!QBI")  # Oversized: size, terminated, len(head)
_NOTE: Final = struct.Struct("!I")


class WireError(ValueError):
    """A record that cannot be decoded (never expected: both ends are this module)."""


def _dir(direction: str) -> int:
    return 0 if direction == "c2s" else 1


def encode(msg: Message) -> list[bytes]:
    """The header and payload pieces of one record."""
    if isinstance(msg, Chunk):
        return [HEADER.pack(Chunk.KIND, _dir(msg.direction), msg.at, len(msg.data)), msg.data]
    if isinstance(msg, Parsed):
        note = json.dumps(msg.note).encode() if msg.note else b""
        length = _NOTE.size + len(note) + len(msg.data)
        head = HEADER.pack(Parsed.KIND, _dir(msg.direction), msg.at, length)
        return [head, _NOTE.pack(len(note)) + note, msg.data]
    if isinstance(msg, Oversized):
        fixed = _SIZES.pack(msg.size, msg.terminated, len(msg.head)) + msg.blake3.encode()
        length = len(fixed) + len(msg.head) + len(msg.tail)
        head = HEADER.pack(Oversized.KIND, _dir(msg.direction), msg.at, length)
        return [head, fixed, msg.head, msg.tail]
    if isinstance(msg, Eof):
        return [HEADER.pack(Eof.KIND, _dir(msg.direction), 0.0, 0)]
    if isinstance(msg, Sync):
        return [HEADER.pack(Sync.KIND, 0, 0.0, 0)]
    if isinstance(msg, Events | Started):
        payload = json.dumps(msg.events).encode()
    elif isinstance(msg, End):
        payload = json.dumps(
            {"reason": msg.reason, "exit_code": msg.exit_code, "extra": msg.extra}
        ).encode()
    else:
        payload = json.dumps(msg.launch, default=str).encode()
    return [HEADER.pack(msg.KIND, 0, 0.0, len(payload)), payload]


def decode(kind: int, direction: int, at: float, payload: bytes) -> Message:
    """The message of one record (raises :class:`WireError` on a record it does not know)."""
    try:
        name = DIRECTIONS[direction]
        if kind == Chunk.KIND:
            return Chunk(name, payload, at)
        if kind == Parsed.KIND:
            # only the recorder decodes Parsed messages: orjson stays out of the shim's relay
            from hardener.jsonline import loads

            (size,) = _NOTE.unpack_from(payload)
            start = _NOTE.size
            note = json.loads(payload[start : start + size]) if size else None
            data = payload[start + size :]
            return Parsed(name, data, loads(data), at, note)
        if kind == Oversized.KIND:
            size, terminated, head_len = _SIZES.unpack_from(payload)
            start = _SIZES.size + 64
            return Oversized(
                name,
                size=size,
                blake3=payload[_SIZES.size : start].decode(),
                head=payload[start : start + head_len],
                tail=payload[start + head_len :],
                terminated=bool(terminated),
                at=at,
            )
        if kind == Eof.KIND:
            return Eof(name)
        if kind == Sync.KIND:
            return Sync()
        body = json.loads(payload)
        if kind == Events.KIND:
            return Events([(k, b) for k, b in body])
        if kind == Started.KIND:
            return Started([(k, b) for k, b in body])
        if kind == End.KIND:
            return End(body["reason"], body["exit_code"], body["extra"])
        if kind == Launch.KIND:
            return Launch(body)
    except (ValueError, KeyError, IndexError, struct.error) as exc:
        raise WireError(f"bad record of kind {kind}: {exc}") from exc
    raise WireError(f"unknown record kind {kind}")
