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

from hardener.shim.recording.process import HEADER, PAUSE_FILL, ProcessRecorder, _Reader

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
    """The relay-only loop's hand-off (record, then forward) and the general ``chunk`` put the
    same records in the pipe; every read is forwarded unchanged, stamped in order."""
    streams = []
    for fast in (True, False):
        r, w = os.pipe()
        recorder = _recorder(w)
        forwarded: list[bytes] = []
        tee = recorder.hand_off("s2c", forwarded.append)
        got: list[object] = []
        reader = threading.Thread(target=_drain, args=(r, got, False))
        reader.start()
        for piece in chunks:
            if fast:
                tee(piece)
            else:
                recorder.chunk("s2c", piece, time.monotonic())
        os.close(w)
        reader.join(10)
        os.close(r)
        assert forwarded == (chunks if fast else [])
        records = [m for m in got if isinstance(m, Chunk)]
        assert len(records) == len(got)
        assert [m.at for m in records] == sorted(m.at for m in records)
        streams.append([(m.direction, m.data) for m in records])
    assert streams[0] == streams[1]
    stream = b"".join(chunks)
    complete = stream[: stream.rfind(b"\n") + 1]  # an unfinished last line waits for its end
    assert b"".join(data for _, data in streams[0]) == complete


def test_a_read_is_in_the_pipe_before_it_is_forwarded() -> None:
    """When the hand-off forwards a read, its whole record is already in the recorder's pipe."""
    r, w = os.pipe()
    recorder = _recorder(w)
    os.set_blocking(r, False)
    seen: list[bytes] = []

    def forward(data: bytes) -> None:
        record = os.read(r, 1 << 16)  # what the pipe holds at this moment
        kind, direction, _at, length = HEADER.unpack_from(record)
        assert (kind, direction, len(record)) == (Chunk.KIND, 0, HEADER.size + length)
        seen.append(record[HEADER.size :])
        assert seen[-1] == data

    tee = recorder.hand_off("c2s", forward)
    lines = [b'{"id":%d}\n' % i for i in range(50)] + [b"z" * 30_000 + b"\n"]
    for line in lines:
        tee(line)
    os.close(w)
    os.close(r)
    assert seen == lines


def test_a_full_pipe_makes_the_sender_wait_and_loses_nothing() -> None:
    """A 4 KiB pipe and a slow reader: 2,000 records (~600 KB) all arrive, whole and in order,
    and the sender had to wait (it never keeps a record back to write later)."""
    r, w = os.pipe()
    fcntl.fcntl(w, _F_SETPIPE_SZ, 4096)
    recorder = _recorder(w)
    hand = recorder.hand_off("c2s", lambda data: None)
    got: list[object] = []
    reader = threading.Thread(target=_drain, args=(r, got, True))
    reader.start()
    lines = [
        b'{"jsonrpc":"2.0","id":%d,"method":"x","params":"%s"}\n' % (i, b"p" * 250)
        for i in range(2000)
    ]
    for line in lines:
        hand(line)
    big = b"y" * 20_000 + b"\n"  # a record larger than the pipe: written in parts, still whole
    hand(big)
    os.close(w)
    reader.join(30)
    os.close(r)
    assert [(m.direction, m.data) for m in got if isinstance(m, Chunk)] == [
        ("c2s", line) for line in [*lines, big]
    ]
    assert not any(isinstance(m, Oversized) for m in got)
    assert recorder.waits > 0


def test_the_pause_follows_the_traffic_within_its_bounds() -> None:
    """Light steady traffic: the longest pause; heavy traffic: as long as the pipe collects
    about PAUSE_FILL; never below the shortest; an idle pipe: the longest."""
    r, w = os.pipe()
    try:
        reader = _Reader(r, pause=0.01, longest=0.1)
        reader._woke, reader._got = 10.0, 1000  # 1 kB in 20 ms: 50 kB/s
        reader._adapt(10.02)
        assert reader.pause == 0.1
        reader._woke, reader._got = 10.0, PAUSE_FILL  # a quarter of the pipe in 40 ms
        reader._adapt(10.04)
        assert reader.pause == pytest.approx(0.04)
        reader._woke, reader._got = 10.0, 100 * PAUSE_FILL
        reader._adapt(10.01)
        assert reader.pause == 0.01
        reader._woke, reader._got = 10.0, 0
        reader._adapt(10.5)
        assert reader.pause == 0.1
        assert _Reader(r, pause=0.0).longest == 0.0  # pause 0: never pauses
    finally:
        os.close(r)
        os.close(w)


def test_records_written_during_the_pauses_arrive_whole_and_in_order() -> None:
    """A writer sends bursts of records while the reader pauses between its batches (the
    pauses adapting to the bursts): every record arrives, whole and in stream order."""
    r, w = os.pipe()
    recorder = _recorder(w)
    hand = recorder.hand_off("c2s", lambda data: None)
    got: list[object] = []

    def read() -> None:
        reader = _Reader(r, pause=0.001, longest=0.02)
        while (msg := reader.next()) is not None:
            got.append(msg)

    thread = threading.Thread(target=read)
    thread.start()
    lines = [b'{"id":%d,"pad":"%s"}\n' % (i, b"q" * (i % 700)) for i in range(3000)]
    for index, line in enumerate(lines):
        hand(line)
        if index % 300 == 0:
            time.sleep(0.015)  # a gap between bursts: the reader pauses and adapts
    os.close(w)
    thread.join(30)
    os.close(r)
    assert [m.data for m in got if isinstance(m, Chunk)] == lines


def test_a_full_pipe_wakes_a_pausing_reader() -> None:
    """The sender that finds the pipe full writes a byte on the wake pipe: a reader in a long
    pause (an hour here) reads at once, so the relay waits for room, never for a pause."""
    r, w = os.pipe()
    fcntl.fcntl(w, _F_SETPIPE_SZ, 4096)
    wake_read, wake_write = os.pipe()
    recorder = _recorder(w)
    recorder._wake = wake_write
    os.set_blocking(wake_write, False)
    hand = recorder.hand_off("c2s", lambda data: None)
    got: list[object] = []
    reader = _Reader(r, wake_read, pause=3600.0, longest=3600.0)

    def read() -> None:
        while (msg := reader.next()) is not None:
            got.append(msg)

    hand(b'{"first":1}\n')  # read at once (nothing to pause after), then it pauses
    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    lines = [b'{"id":%d,"pad":"%s"}\n' % (i, b"w" * 200) for i in range(200)]  # ~45 kB

    def send() -> None:
        for line in lines:
            hand(line)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    sender.join(60)
    assert not sender.is_alive()  # without the wake-up it would wait out the hour
    os.close(w)
    os.close(wake_write)  # what a shim that is gone leaves behind: the pauses end
    thread.join(60)
    assert not thread.is_alive()
    os.close(r)
    assert [m.data for m in got if isinstance(m, Chunk)] == [b'{"first":1}\n', *lines]
    assert recorder.waits > 0
