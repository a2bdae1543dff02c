"""JSON for the recorder's hot path: the standard library's results, at orjson's speed (L1 pure core).

The shim's recorder decodes every relayed message and encodes every event it writes to the spool;
with the standard library that was about a third of its CPU time per tool call. :func:`loads` and
:func:`dumps` use orjson (compiled, wheels for Linux, macOS and Windows) where it gives exactly what
``json`` gives, and the standard library everywhere else, so records are unchanged:

- :func:`loads` is ``json.loads``: the same value or a ``ValueError``. orjson refuses what the
  standard library accepts beyond RFC 8259 (``NaN``, ``Infinity``, a lone surrogate escape, a
  byte-order mark, non-UTF-8 text): those lines are decoded by ``json``. orjson reads an integer
  beyond 64 bits as a float; a line with a run of 19 or more digits is therefore decoded by
  ``json`` too (an id like ``123456789012345678901`` stays an int).
- :func:`dumps` is ``json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()``,
  byte for byte, for every value that call can write as UTF-8 JSON. orjson writes floats below
  1e-4 in another notation (``1.5e-7``, ``0.00001`` for ``1.5e-07``, ``1e-05``): an output that
  may hold one is written again by ``json``. orjson refuses integers beyond 64 bits and keys that
  are not strings: ``json`` writes those. Two cases where the standard library's output was not
  UTF-8 JSON at all now give JSON the daemon can seal: a string with a lone surrogate (which
  ``encode()`` refused, losing the whole batch of events) is written with ``\\uXXXX`` escapes, and
  ``NaN`` / ``Infinity`` (not JSON: the daemon sealed such a line as a malformed one) become
  ``null``.
"""

from __future__ import annotations

import json
import math
import re

import orjson

from hardener.json_types import JSONValue

#: Compact UTF-8 text, as :func:`hardener.events.encode_line` writes it.
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
_ENCODE_ASCII = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode
_DECODE = json.JSONDecoder().decode
_DIGITS = b"0123456789"
#: Every byte a digit becomes ``0``, every other byte ``.``: a run of digits stays a run of zeros.
_RUNS = bytes(48 if 48 <= i <= 57 else 46 for i in range(256))
#: Integers beyond 64 bits have at least 20 digits (below -2**63: 19).
_LONG_RUN = b"0" * 19
#: A float orjson writes in another notation than ``repr``: ``1.5e-7`` (``repr``: ``1.5e-07``)
#: or ``0.00001`` (``repr``: ``1e-05``). Text in strings may match too (then ``json`` writes it).
_OTHER_FLOAT = re.compile(rb"\de-\d(?!\d)|0\.0000[1-9]")
#: Values orjson would write although ``json`` refuses them, or write differently (dataclasses,
#: datetimes, subclasses of str/int/dict/list) go to ``json``.
_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def loads(data: bytes) -> JSONValue:
    """``json.loads(data)``: the same value, or the same ``ValueError``."""
    if len(data) - len(data.translate(None, _DIGITS)) >= 19 and _LONG_RUN in data.translate(_RUNS):
        return _loads_std(data)
    try:
        value: JSONValue = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _loads_std(data)
    return value


def _loads_std(data: bytes) -> JSONValue:
    value: JSONValue
    try:
        value = _DECODE(data.decode())
    except ValueError:  # not UTF-8, a BOM, or not JSON: json.loads decides
        value = json.loads(data)
    return value


def dumps(value: object) -> bytes:
    """Compact UTF-8 JSON: ``json.dumps(value, separators=(",", ":"), ensure_ascii=False)``
    encoded, byte for byte (non-finite floats as ``null``, lone surrogates escaped).

    Raises ``TypeError`` for what ``json`` cannot write either (sets, bytes, …)."""
    try:
        out = orjson.dumps(value, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: beyond 64 bits, non-str keys, a lone surrogate
        return _dumps_std(value)
    if (b"e-" in out or b".0000" in out) and _OTHER_FLOAT.search(out):
        return _dumps_std(value)
    return out


def _dumps_std(value: object) -> bytes:
    try:
        text = _ENCODE(value)
    except ValueError:  # NaN or an infinity: written as null, as orjson writes them
        return _dumps_std(_finite(value))
    try:
        return text.encode()
    except UnicodeEncodeError:  # a lone surrogate: escaped, so the line is UTF-8 and reads back
        return _ENCODE_ASCII(value).encode()


def _finite(value: object) -> object:
    """``value`` with every NaN and infinity replaced by None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
