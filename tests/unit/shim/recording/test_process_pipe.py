"""The shim's side of the recorder pipe: every record arrives whole and in order, and a full pipe
makes the sender wait instead of keeping anything back (POSIX: the recorder process)."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardener.shim.gate import Gate
from hardener.shim.recording.messages import Chunk, Oversized

if sys.platform == "win32":
    pytest.skip("the recorder process is POSIX only", allow_module_level=True)

import fcntl  # POSIX only, like the recorder process

from hardener.shim.recording.process import ProcessRecorder, _Reader

_F_SETPIPE_SZ = 1031


def _recorder(fd: int) -> ProcessRecorder:
    """A ProcessRecorder writing into ``fd`` (no fork: the test reads the other end itself)."""
    recorder = ProcessRecorder(lambda: None, Gate("s"), lambda text: None, {}, [])  # type: ignore[arg-type, return-value]
    os.set_blocking(fd, False)
    recorder._fd = fd
    return recorder


def _drain(fd: int, out: list[object], slow: bool) -> None:
    reader = _Reader(fd, pause=0.0)
    while (msg := reader.next()) is not None:
        out.append(msg)
        if slow and len(out) % 50 == 0:
            time.sleep(0.01)  # a recorder behind the relay


pieces = st.lists(
    st.one_of(
        st.binary(min_size=1, max_size=300).map(lambda b: b.replace(b"\n", b"") + b"\n"),
        st.binary(min_size=1, max_size=300),  # a line's beginning: held by the tap
    ),
    max_size=60,
)


@settings(max_examples=40, deadline=None)
@given(chunks=pieces)
def test_hand_off_sends_what_chunk_would(chunks: list[bytes]) -> None:
    """The per-direction fast hand-off and the general ``chunk`` put the same records in the pipe."""
    streams = []
    for fast in (True, False):
        r, w = os.pipe()
        recorder = _recorder(w)
        hand = recorder.hand_off("s2c")
        got: list[object] = []
        reader = threading.Thread(target=_drain, args=(r, got, False))
        reader.start()
        for index, piece in enumerate(chunks):
            if fast:
                hand(piece, float(index))
            else:
                recorder.chunk("s2c", piece, float(index))
        os.close(w)
        reader.join(10)
        os.close(r)
        streams.append([(m.direction, m.data, m.at) for m in got if isinstance(m, Chunk)])
        assert all(isinstance(m, Chunk) for m in got)
    assert streams[0] == streams[1]
    stream = b"".join(chunks)
    complete = stream[: stream.rfind(b"\n") + 1]  # an unfinished last line waits for its end
    assert b"".join(data for _, data, _ in streams[0]) == complete


def test_a_full_pipe_makes_the_sender_wait_and_loses_nothing() -> None:
    """A 4 KiB pipe and a slow reader: 2,000 records (~600 KB) all arrive, whole and in order,
    and the sender had to wait (it never keeps a record back to write later)."""
    r, w = os.pipe()
    fcntl.fcntl(w, _F_SETPIPE_SZ, 4096)
    recorder = _recorder(w)
    hand = recorder.hand_off("c2s")
    got: list[object] = []
    reader = threading.Thread(target=_drain, args=(r, got, True))
    reader.start()
    lines = [
        b'{"jsonrpc":"2.0","id":%d,"method":"x","params":"%s"}\n' % (i, b"p" * 250)
        for i in range(2000)
    ]
    for index, line in enumerate(lines):
        hand(line, float(index))
    big = b"y" * 20_000 + b"\n"  # a record larger than the pipe: written in parts, still whole
    hand(big, 2000.0)
    os.close(w)
    reader.join(30)
    os.close(r)
    assert [(m.direction, m.data) for m in got if isinstance(m, Chunk)] == [
        ("c2s", line) for line in [*lines, big]
    ]
    assert not any(isinstance(m, Oversized) for m in got)
    assert recorder.waits > 0
