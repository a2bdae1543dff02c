"""Property tests of the JSON/JSONC codecs on randomly formatted documents (hypothesis)."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hardener.formats.jsonc import JsoncCodec, JsonCodec
from tests.support.format_helpers import assert_outside_unchanged, json_span, removed, replaced
from tests.support.jsongen import (
    Printer,
    all_paths,
    documents,
    formats,
    keys,
    object_paths,
    scalars,
    values,
)

SETTINGS = settings(
    max_examples=int(os.environ.get("HARDENER_PROPERTY_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def docs(draw: st.DrawFn) -> tuple[Any, str, Any]:
    """(codec, text, value) for a random document in strict JSON or JSONC."""
    jsonc = draw(st.booleans())
    value = draw(documents)
    fmt = draw(formats(jsonc))
    text = Printer(fmt, draw(st.randoms(use_true_random=False))).document(value)
    return (JsoncCodec() if jsonc else JsonCodec()), text, value


def _strict_check(codec: Any, text: str, expected: Any) -> None:
    if codec.name == "json":
        assert json.loads(text.removeprefix("\ufeff")) == expected


@SETTINGS
@given(docs(), st.data())
def test_parse_reads_the_printed_value(doc: tuple[Any, str, Any], data: st.DataObject) -> None:
    codec, text, value = doc
    assert codec.parse(text) == value
    for path in all_paths(value)[:10]:
        expected = value
        for key in path:
            expected = expected[key]
        assert codec.get(text, path) == expected


@SETTINGS
@given(docs(), values, st.data())
def test_set_replaces_one_value_and_nothing_else(
    doc: tuple[Any, str, Any], new: Any, data: st.DataObject
) -> None:
    codec, text, value = doc
    paths = all_paths(value)
    assume(paths)
    path = data.draw(st.sampled_from(paths))
    out = codec.set(text, path, new)
    expected = replaced(value, path, new)
    assert codec.parse(out) == expected
    _strict_check(codec, out, expected)
    start, end = json_span(text, path)
    assert_outside_unchanged(text, out, start, end)
    # Idempotent: setting the same value again changes nothing.
    assert codec.set(out, path, new) == out


def _same_shape(old: Any, data: st.DataObject) -> Any:
    """A new value of the same shape as ``old``: a scalar, or a list of scalars (non-empty if old is)."""
    if isinstance(old, list):
        return data.draw(st.lists(scalars, min_size=1 if old else 0, max_size=6))
    return data.draw(scalars)


@SETTINGS
@given(docs(), st.data())
def test_set_then_set_back_restores_the_original_bytes(
    doc: tuple[Any, str, Any], data: st.DataObject
) -> None:
    codec, text, value = doc
    paths = [p for p in all_paths(value) if _is_scalar_or_scalar_list(codec.get(text, p))]
    assume(paths)
    path = data.draw(st.sampled_from(paths))
    old = codec.get(text, path)
    start, end = json_span(text, path)
    span = text[start:end]
    assume("//" not in span and "/*" not in span)
    if "\\u" in text:  # a file that escapes non-ASCII: restoring writes it the same way
        assume(json.dumps(old, ensure_ascii=False).isascii())
    new = _same_shape(old, data)
    assert codec.set(codec.set(text, path, new), path, old) == text


def _is_scalar_or_scalar_list(value: Any) -> bool:
    if isinstance(value, list):
        return all(not isinstance(v, dict | list) for v in value)
    return not isinstance(value, dict)


@SETTINGS
@given(docs(), keys, values, st.data())
def test_delete_undoes_an_insert(
    doc: tuple[Any, str, Any], key: str, new: Any, data: st.DataObject
) -> None:
    codec, text, value = doc
    path = data.draw(st.sampled_from(object_paths(value)))
    assume(key not in codec.get(text, path))
    out = codec.set(text, (*path, key), new)
    expected = replaced(value, (*path, key), new)
    assert codec.parse(out) == expected
    _strict_check(codec, out, expected)
    assert codec.delete(out, (*path, key)) == text


@SETTINGS
@given(docs(), st.data())
def test_delete_removes_one_member_and_keeps_the_rest(
    doc: tuple[Any, str, Any], data: st.DataObject
) -> None:
    codec, text, value = doc
    paths = all_paths(value)
    assume(paths)
    path = data.draw(st.sampled_from(paths))
    out = codec.delete(text, path)
    expected = removed(value, path)
    assert codec.parse(out) == expected
    _strict_check(codec, out, expected)
