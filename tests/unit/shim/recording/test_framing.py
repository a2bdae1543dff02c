"""Line framing for the record: any chunking of a stream gives the same lines."""

from __future__ import annotations

import hashlib

from blake3 import blake3
from hypothesis import given, settings
from hypothesis import strategies as st

from hardener.shim.recording.framing import WINDOW, Line, LineAssembler, Tap
from hardener.shim.recording.messages import Chunk, Oversized


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces, last = [], 0
    for point in [*points, len(data)]:
        pieces.append(data[last:point])
        last = point
    return [p for p in pieces if p]


lines_strategy = st.lists(st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")), max_size=20)


@settings(max_examples=200, deadline=None)
@given(
    lines=lines_strategy,
    cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=30),
    final_newline=st.booleans(),
)
def test_any_chunking_gives_the_same_lines(
    lines: list[bytes], cuts: list[int], final_newline: bool
) -> None:
    stream = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    assembler = LineAssembler(parse_limit=32)
    got = []
    for piece in _chunks(stream, cuts):
        got += assembler.feed(piece)
    last = assembler.flush()
    if last is not None:
        got.append(last)
    expected = stream.split(b"\n")
    if stream.endswith(b"\n") or not stream:
        expected = expected[:-1]
    assert [line.size for line in got] == [len(e) for e in expected]
    for line, want in zip(got, expected, strict=True):
        if len(want) <= 32:
            assert line.data == want
        else:
            assert line.data is None
            assert line.blake3 == blake3(want).hexdigest()
            assert line.head == want[:WINDOW]
            assert line.tail == want[-WINDOW:]
    if got:
        assert got[-1].terminated == stream.endswith(b"\n")


def test_a_huge_line_is_summarised_not_kept() -> None:
    assembler = LineAssembler(parse_limit=1024)
    head = b'{"jsonrpc":"2.0","id":7,"result":{"x":"'
    body = b"y" * (3 * 1024 * 1024)
    tail = b'"}}\n'
    out = []
    for i in range(0, len(head + body + tail), 65536):
        out += assembler.feed((head + body + tail)[i : i + 65536])
    assert len(out) == 1
    assert out[0].size == len(head + body + tail) - 1
    assert out[0].head.startswith(head)
    assert out[0].tail.endswith(b'"}}')


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(min_value=1025, max_value=3 * WINDOW),
    cuts=st.lists(st.integers(min_value=0, max_value=3 * WINDOW), max_size=12),
    seed=st.binary(min_size=1, max_size=16),
)
def test_a_long_lines_digest_head_and_tail_do_not_depend_on_the_pieces(
    size: int, cuts: list[int], seed: bytes
) -> None:
    line = (hashlib.sha256(seed).hexdigest().encode() * (size // 64 + 1))[:size]
    assembler = LineAssembler(parse_limit=1024)
    out = []
    for piece in _chunks(line + b"\n", cuts):
        out += assembler.feed(piece)
    assert len(out) == 1
    assert out[0].data is None
    assert (out[0].size, out[0].blake3) == (size, blake3(line).hexdigest())
    assert out[0].head == line[:WINDOW]
    assert out[0].tail == line[-WINDOW:]


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(
        st.one_of(
            st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")),
            st.integers(33, 200).map(lambda n: b"z" * n),
        ),
        max_size=20,
    ),
    cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=30),
    final_newline=st.booleans(),
)
def test_the_tap_hands_over_the_same_lines_and_never_a_long_one(
    lines: list[bytes], cuts: list[int], final_newline: bool
) -> None:
    """Relay side (Tap) then recorder side (LineAssembler) give what the assembler alone gives,
    while no handed-over chunk holds any byte of a line longer than the limit."""
    stream = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    tap, assembler, alone = Tap("s2c", parse_limit=32), LineAssembler(32), LineAssembler(32)
    got: list[Line] = []
    want: list[Line] = []
    for piece in _chunks(stream, cuts):
        want += alone.feed(piece)
        for msg in tap.feed(piece, 1.0):
            if isinstance(msg, Chunk):
                assert all(len(part) <= 32 for part in msg.data.split(b"\n"))
                got += assembler.feed(msg.data)
            else:
                assert isinstance(msg, Oversized)
                got.append(Line(msg.size, None, blake3=msg.blake3, head=msg.head, tail=msg.tail))
    for msg in tap.flush(2.0):
        if isinstance(msg, Chunk):
            got += assembler.feed(msg.data)
        else:
            assert isinstance(msg, Oversized)
            assert not msg.terminated
            got.append(Line(msg.size, None, blake3=msg.blake3, head=msg.head, tail=msg.tail))
    for last, into in ((assembler.flush(), got), (alone.flush(), want)):
        if last is not None:
            into.append(last)
    assert [(g.size, g.data, g.blake3, g.head, g.tail) for g in got] == [
        (w.size, w.data, w.blake3, w.head, w.tail) for w in want
    ]
