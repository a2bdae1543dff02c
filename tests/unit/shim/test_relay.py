"""The relay pump forwards bytes unchanged whatever the chunking, and the gate sees whole lines."""

from __future__ import annotations

import os
import threading
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hardener.shim.gate import Decision
from hardener.shim.relay import OutWriter, Pump


class _FakeRecorder:
    """Collects what the pump hands to the recorder (a fake of one collaborator, unit test only)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.lines: list[tuple[bytes, Any]] = []

    def chunk(self, direction: str, data: bytes, at: float) -> None:
        self.chunks.append(data)

    def hand_off(self, direction: str, forward: Any) -> Any:
        def tee(data: bytes) -> None:
            self.chunk(direction, data, 0.0)
            forward(data)

        return tee

    def line(self, direction: str, data: bytes, msg: Any, at: float, note: Any) -> None:
        self.lines.append((data, msg))

    def eof(self, direction: str) -> None:
        pass


def _relay(
    pieces: list[bytes], gated: bool | None, check: Any = None
) -> tuple[bytes, bytes, _FakeRecorder]:
    """``gated`` None: the direction can never be gated (the pump's relay-only loop)."""
    src_r, src_w = os.pipe()
    dst_r, dst_w = os.pipe()
    back_r, back_w = os.pipe()
    recorder = _FakeRecorder()
    done = threading.Event()
    pump = Pump(
        "c2s",
        src_r,
        OutWriter(dst_w),
        OutWriter(back_w),
        recorder,  # type: ignore[arg-type]
        gated=None if gated is None else lambda: gated,
        check=check or (lambda line, msg: Decision(line)),
        on_eof=lambda what: done.set(),
    )
    pump.start()
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(_read_all(dst_r)))
    reader.start()
    for piece in pieces:
        os.write(src_w, piece)
    os.close(src_w)
    pump.join(10)
    pump.out.close()
    pump.back.close()
    reader.join(10)
    back = _read_all(back_r)
    os.close(src_r)
    return received[0], back, recorder


def _read_all(fd: int) -> bytes:
    data = b""
    while chunk := os.read(fd, 65536):
        data += chunk
    os.close(fd)
    return data


messages = st.lists(
    st.one_of(
        st.builds(
            lambda i, t: (
                b'{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"%s"}}'
                % (i, t.encode())
            ),
            st.integers(0, 99),
            st.sampled_from(["echo", "rm"]),
        ),
        st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")),
    ),
    max_size=15,
)


@settings(max_examples=60, deadline=None)
@given(
    msgs=messages,
    sizes=st.lists(st.integers(1, 200), min_size=1, max_size=10),
    gated=st.sampled_from([True, False, None]),
    final_newline=st.booleans(),
)
def test_any_chunking_gives_identical_output_bytes(
    msgs: list[bytes], sizes: list[int], gated: bool | None, final_newline: bool
) -> None:
    stream = b"\n".join(msgs) + (b"\n" if final_newline else b"")
    pieces, pos, i = [], 0, 0
    while pos < len(stream):
        size = sizes[i % len(sizes)]
        pieces.append(stream[pos : pos + size])
        pos += size
        i += 1
    out, back, recorder = _relay(pieces, gated)
    assert out == stream
    assert back == b""
    recorded = b"".join(recorder.chunks) + b"".join(line for line, _ in recorder.lines)
    assert sorted(recorded) == sorted(stream)


def test_gate_can_drop_and_answer_at_line_boundaries() -> None:
    def check(line: bytes, msg: Any) -> Decision:
        if isinstance(msg, dict) and msg.get("params", {}).get("name") == "rm":
            return Decision(None, b'{"denied":%d}\n' % msg["id"])
        return Decision(line)

    stream = (
        b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}\n'
        b'{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"rm"}}\n'
        b"not json\n"
    )
    out, back, _ = _relay([stream[:10], stream[10:90], stream[90:]], gated=True, check=check)
    assert out == stream.replace(
        b'{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"rm"}}\n', b""
    )
    assert back == b'{"denied":2}\n'


def test_injection_waits_for_the_end_of_the_current_line() -> None:
    r, w = os.pipe()
    writer = OutWriter(w)
    writer.write(b'{"partial":')
    writer.inject(b'{"injected":1}\n')
    writer.write(b'1}\n{"next":2}\n')
    writer.close()
    assert _read_all(r) == b'{"partial":1}\n{"injected":1}\n{"next":2}\n'
