"""Helpers for the tests of one module's description patterns: which signals it raised, and
what ``analyze_listing`` makes of a one-tool listing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hardener.detect.clauses import Pattern
from hardener.detect.descriptions import analyze_listing, scan_text


def signals_noted(text: str, notes: Iterable[str]) -> dict[str, int]:
    """family -> weight of the signals in ``text`` whose note is one of ``notes`` (the notes a
    module gives its own patterns, so only that module's matches count)."""
    wanted = set(notes)
    out: dict[str, int] = {}
    for signal in scan_text(text):
        if signal.note in wanted:
            out[signal.family] = max(out.get(signal.family, 0), signal.weight)
    return out


def lone_tool_findings(description: str) -> list[Any]:
    """The findings for a listing of one tool with ``description`` (rules alone)."""
    listing = {"tools": [{"name": "t", "description": description, "inputSchema": {}}]}
    return analyze_listing(listing, 3, model=None)


def assert_every_pattern_explained(
    families: Mapping[str, list[Pattern]], notes: Mapping[int, str]
) -> None:
    """Every pattern of a module's families has anchors and a note in the module's table (the
    note a finding shows a reviewer)."""
    for patterns in families.values():
        for _weight, regex, anchors in patterns:
            assert anchors, regex.pattern
            assert notes.get(id(regex)), regex.pattern


def assert_spans_within(text: str) -> None:
    """Every signal of ``text`` points inside it."""
    for signal in scan_text(text):
        start, end = signal.span
        assert 0 <= start <= end <= len(text), signal
