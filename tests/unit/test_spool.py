"""Spool lines are complete JSON events, private, numbered in order."""

from __future__ import annotations

import json
import os
import stat

import jsonschema

from hardener.paths import Platform, hardener_paths
from hardener.policy import load_schema
from hardener.spool import SpoolWriter


def test_events_are_appended_in_order(sandbox_home):
    paths = hardener_paths(Platform.current())
    with SpoolWriter(paths, client="cursor", server="github") as writer:
        assert writer.emit("session.start", {"pid": 1}) == 0
        assert writer.emit("tool.call", {"tool": "x", "arguments": {}}) == 1
        writer.emit("session.end", {"reason": "client_closed"})
    lines = writer.path.read_bytes().splitlines(keepends=True)
    assert len(lines) == 3
    assert all(line.endswith(b"\n") for line in lines)
    schema = load_schema("event.schema.json")
    events = [json.loads(line) for line in lines]
    for event in events:
        jsonschema.validate(event, schema)
    assert [e["n"] for e in events] == [0, 1, 2]
    assert {e["session"] for e in events} == {writer.session}
    if os.name != "nt":
        assert stat.S_IMODE(writer.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(paths.spool_dir.stat().st_mode) == 0o700
