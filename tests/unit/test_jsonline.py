"""hardener.jsonline gives the standard library's results: the same bytes out, the same values in."""

from __future__ import annotations

import json
import random
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from hardener.jsonline import dumps, loads
from hardener.ledger.sealing.spool_reader import parse_event


def std_dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


KEYS = st.text() | st.integers(-5, 5)  # non-str keys: orjson refuses them, json writes them
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=16,
)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_dumps_is_byte_for_byte_the_standard_library(value: object) -> None:
    assert dumps(value) == std_dumps(value)


def test_every_float_notation_is_the_standard_librarys() -> None:
    rng = random.Random(13)
    for _ in range(50_000):
        x = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
        if x == x and abs(x) != float("inf"):
            assert dumps({"v": [x]}) == std_dumps({"v": [x]}), repr(x)
    for exponent in range(-12, 25):
        for x in (1.5 * 10**exponent, -(10**exponent)):
            assert dumps(x) == std_dumps(x)


def same(a: object, b: object) -> bool:
    """Equal values of equal types (NaN equal to NaN): compared as the standard library writes them."""
    return json.dumps(a) == json.dumps(b)


ALL_TEXT = st.text(st.characters(codec=None, categories=None))  # lone surrogates too
SOURCES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ALL_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ALL_TEXT, inner, max_size=4),
    max_leaves=16,
)


@settings(max_examples=400, deadline=None)
@given(SOURCES, st.booleans())
def test_loads_reads_what_the_standard_library_reads(value: object, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)  # NaN, Infinity, big ints, \ud800 …
    data = text.encode("utf-8", "surrogatepass")
    try:
        expected: object = json.loads(data)
    except ValueError:
        expected = ValueError
    try:
        got: object = loads(data)
    except ValueError:
        got = ValueError
    assert same(got, expected) if expected is not ValueError else got is ValueError


PIECES = [b"{", b"}", b"[", b"]", b",", b":", b'"', b"a", b"\\", b"u", b"0", b"1", b"-", b".", b"e"]
PIECES += [b" ", b"\n", b"\x01", b"true", b"null", b"NaN", b'"\\ud800"', b"\xc3\xa9", b"\xff"]
PIECES += [b"12345678901234567890", b"\xef\xbb\xbf"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12))
def test_loads_agrees_on_arbitrary_bytes(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    try:
        expected: object = json.loads(data)
    except (ValueError, RecursionError):
        expected = ValueError
    try:
        got: object = loads(data)
    except (ValueError, RecursionError):
        got = ValueError
    assert got is expected if expected is ValueError else same(got, expected)


def test_integers_beyond_64_bits_stay_integers() -> None:
    for number in (2**64, -(2**63) - 1, 10**30):
        line = b'{"jsonrpc":"2.0","id":%d,"method":"x"}' % number
        value = loads(line)
        assert isinstance(value, dict)
        assert value["id"] == number
        assert dumps({"id": number}) == b'{"id":%d}' % number


def test_a_lone_surrogate_is_written_as_utf8_json_that_reads_back() -> None:
    value = loads(b'{"message":"\\ud800 caf\\u00e9"}')
    out = dumps({"arguments": value})
    out.decode("utf-8")  # valid UTF-8: the stdlib's text could not even be encoded
    assert json.loads(out) == {"arguments": {"message": "\ud800 café"}}


def test_non_finite_floats_become_null_which_the_daemon_seals() -> None:
    value = loads(b'{"a":NaN,"b":[Infinity,-Infinity],"c":1}')
    assert dumps(value) == b'{"a":null,"b":[null,null],"c":1}'
    assert dumps({"big": 2**70, "x": float("nan")}) == b'{"big":%d,"x":null}' % 2**70
    line = b'{"v":1,"kind":"tool.call","ts":"2026-01-01T00:00:00.000000Z","session":"s","n":0,'
    line += b'"client":"c","server":"s","body":' + dumps({"arguments": value}) + b"}"
    event = parse_event(line)
    assert isinstance(event, dict), event
    assert event["body"]["arguments"] == {"a": None, "b": [None, None], "c": 1}
