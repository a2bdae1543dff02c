"""Unit tests of the small shared helpers: typed equality, list runs, line endings."""

from __future__ import annotations

from hardener.formats import newlines
from hardener.formats.values import find_run, same


def test_same_compares_types_deeply() -> None:
    assert same({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not same(1, True)
    assert not same(1, 1.0)
    assert not same({"a": [1]}, {"a": [True]})
    assert same((1, 2), [1, 2])
    assert not same({"a": 1}, {"b": 1})


def test_find_run_finds_the_old_list_inside_the_new_one() -> None:
    assert find_run(["--", "npx", "-y"], ["npx", "-y"]) == 1
    assert find_run(["a", "b"], ["a", "b"]) == 0
    assert find_run(["a", "b", "a"], ["a"]) == 2
    assert find_run(["a", "b"], ["c"]) is None
    assert find_run([1], [True]) is None


def test_newlines_split_and_join_round_trip() -> None:
    for text in ["a\r\nb\r\n", "\ufeffa\nb", "a\r\nb\n", "", "\ufeff"]:
        body, layout = newlines.split(text)
        assert "\r\n" not in body or not layout.crlf
        assert newlines.join(body, layout) == text
    body, layout = newlines.split("x\r\ny\r\n")
    assert newlines.join(body + "z\n", layout) == "x\r\ny\r\nz\r\n"
