"""Answering the client when there is no server to relay to (L2 shim).

Two cases: the server is denied by policy (enforce mode: the child is never started, and every
request gets a JSON-RPC error that says so and how to ask for access, until the client closes), or
the command cannot be started (not found on any PATH, not executable): the first request gets an
error naming the command, then the shim exits, so the client never waits on a silent pipe.
Notifications get no answer; a batch gets a batch of errors. Every message is still recorded.
"""

from __future__ import annotations

import json
import os
import time

from hardener.shim.relay import OutWriter

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from hardener.shim.recording.recorder import Sink


def _errors_for(msg: object, code: int, message: str, data: dict[str, object]) -> object:
    if isinstance(msg, list):
        answers = [a for a in (_errors_for(m, code, message, data) for m in msg) if a is not None]
        return answers or None
    if isinstance(msg, dict) and "id" in msg and isinstance(msg.get("method"), str):
        return {
            "jsonrpc": "2.0",
            "id": msg["id"],
            "error": {"code": code, "message": message, "data": data},
        }
    return None


def answer_with_errors(
    src: int,
    out: OutWriter,
    recorder: Sink,
    *,
    code: int,
    message: str,
    data: dict[str, object],
    first_only: bool,
) -> bool:
    """Answer requests from ``src`` with errors; returns True when one was answered."""
    buf = bytearray()
    answered = False
    while True:
        try:
            chunk = os.read(src, 1 << 16)
        except OSError:
            chunk = b""
        if not chunk:
            break
        recorder.chunk("c2s", chunk, time.monotonic())
        buf += chunk
        while (end := buf.find(b"\n")) >= 0:
            line = bytes(buf[:end])
            del buf[: end + 1]
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            answer = _errors_for(msg, code, message, data)
            if answer is None:
                continue
            try:
                out.write(json.dumps(answer, separators=(",", ":")).encode() + b"\n")
            except OSError:
                return answered
            answered = True
            if first_only:
                return True
    recorder.eof("c2s")
    return answered
