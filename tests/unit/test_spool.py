"""Spool lines are complete JSON events, private, numbered in order."""

from __future__ import annotations

import errno
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hardener.events import KINDS
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


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
EVENTS = st.lists(
    st.tuples(
        st.sampled_from(sorted(KINDS)),
        st.dictionaries(st.text(), JSON_VALUES, max_size=5),
        # POSIX times 1971..2200 (as micros, passed as float seconds like the recorder's stamps)
        st.integers(min_value=31_536_000_000_000, max_value=7_258_118_400_000_000),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=EVENTS, client=st.text(), server=st.text())
def test_a_batch_is_byte_for_byte_what_single_emits_write(
    sandbox_home: Path, events: list[tuple[str, dict[str, Any], int]], client: str, server: str
) -> None:
    paths = hardener_paths(Platform.current())
    with SpoolWriter(paths, client=client, server=server) as one:
        for kind, body, micros in events:
            one.emit(kind, body, moment=datetime.fromtimestamp(micros / 1e6, UTC))
    expected = one.path.read_bytes()
    one.path.unlink()
    with SpoolWriter(paths, client=client, server=server, session=one.session) as batch:
        batch.emit_many([(kind, body, micros / 1e6) for kind, body, micros in events])
        assert batch.emit("session.end", {}) == len(events)  # the numbering continues
    assert batch.path.read_bytes().splitlines(keepends=True)[:-1] == expected.splitlines(
        keepends=True
    )


def test_a_failed_batch_writes_nothing_and_keeps_the_numbering(
    sandbox_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = hardener_paths(Platform.current())
    with SpoolWriter(paths, client="c", server="s") as writer:
        writer.emit("session.start", {"pid": 1})
        before = writer.path.read_bytes()
        real_write = os.write
        calls: list[int] = []

        def half_then_full(fd: int, data: bytes) -> int:
            calls.append(len(data))
            if len(calls) == 1:  # half of the batch lands, then the disk is full
                return real_write(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "write", half_then_full)
        batch = [("tool.call", {"id": i, "tool": "t"}, 1.8e9 + i) for i in range(3)]
        with pytest.raises(OSError):
            writer.emit_many(batch)
        monkeypatch.setattr(os, "write", real_write)
        assert writer.path.read_bytes() == before  # the torn half was cut back
        writer.emit_many(batch)  # the retry gets the same numbers
    events = [json.loads(line) for line in writer.path.read_bytes().splitlines()]
    assert [e["n"] for e in events] == [0, 1, 2, 3]
    assert [e["body"].get("id") for e in events[1:]] == [0, 1, 2]
