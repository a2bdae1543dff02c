"""Helpers for the tests of one module's description patterns: which signals it raised, and
what ``analyze_listing`` makes of a one-tool listing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
