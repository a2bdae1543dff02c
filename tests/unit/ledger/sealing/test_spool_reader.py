"""Spool line parsing, sealed bodies and the dead-writer rule (``hardener.ledger.sealing.spool_reader``)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hardener.events import encode_line, make_event
from hardener.ledger.position import SPOOL_REF
from hardener.ledger.sealing.spool_reader import (
    Cursor,
    SpoolFile,
    anomaly_event,
    event_body,
    list_spool,
    parse_event,
    process_alive,
    writer_gone,
)

NOW = time.time()


def event_line(kind: str = "tool.call", n: int = 0, **body: object) -> bytes:
    from datetime import UTC, datetime

    event = make_event(
        kind, dict(body), session="s1", n=n, client="c", server="x", moment=datetime.now(UTC)
    )
    return encode_line(event)


def test_a_valid_line_is_embedded_byte_for_byte():
    raw = event_line(tool="t", arguments={"q": "é"})[:-1]
    event = parse_event(raw)
    assert isinstance(event, dict)
    body = event_body("s1.jsonl", 120, len(raw) + 1, raw, event)
    assert body.endswith(b',"event":' + raw + b"}")
    assert json.loads(body)["event"] == event
    match = SPOOL_REF.match(body)
    assert match is not None
    assert match.groups() == (b"s1.jsonl", b"120", str(len(raw) + 1).encode())


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"{not json", "not JSON"),
        (b"[1,2]", "not a JSON object"),
        (
            b'{"v":1,"kind":"tool.call","n":0,"session":"s","client":"c","server":"x","ts":"t","body":NaN}',
            "not JSON",
        ),
        (b'{"v":2}', "unknown envelope version"),
        (b'{"v":1,"kind":"bogus"}', "unknown event kind"),
        (b'{"v":1,"kind":"tool.call","n":-1}', "missing event number"),
        (
            b'{"v":1,"kind":"tool.call","n":0,"session":"s","client":"c","server":"x","ts":"t","body":[]}',
            "body is not an object",
        ),
        (b"\xff\xfe", "not JSON"),
    ],
)
def test_malformed_lines_say_why(raw: bytes, problem: str):
    result = parse_event(raw)
    assert isinstance(result, str)
    assert problem in result


def test_an_anomaly_carries_the_hash_and_size_not_the_bytes():
    cursor = Cursor("s1.jsonl", 0, False, client="c", server="x", next_n=4)
    event = anomaly_event(cursor, b"secret-ish garbage", "not JSON", NOW)
    assert event["kind"] == "protocol.anomaly"
    assert event["n"] == 4
    assert event["body"]["size_bytes"] == len(b"secret-ish garbage")
    assert len(event["body"]["sha256"]) == 64
    assert b"garbage" not in json.dumps(event).encode()


def test_the_cursor_learns_the_writer_from_session_start():
    cursor = Cursor("s1.jsonl", 0, False)
    start = parse_event(event_line("session.start", pid=4242)[:-1])
    assert isinstance(start, dict)
    cursor.learn(start)
    assert cursor.pid == 4242
    assert cursor.started is not None
    end = parse_event(event_line("session.end", n=1, reason="client_closed")[:-1])
    assert isinstance(end, dict)
    cursor.learn(end)
    assert cursor.ended
    assert cursor.next_n == 2


def test_dead_writer_rules(tmp_path: Path):
    spool = SpoolFile(tmp_path / "s.jsonl", 10, NOW - 100)
    with_pid = Cursor("s.jsonl", 0, False, pid=123, started=NOW - 200)
    assert writer_gone(
        with_pid, spool, NOW, dead_after=30, orphan_after=300, alive=lambda p, s: False
    )
    assert not writer_gone(
        with_pid, spool, NOW, dead_after=30, orphan_after=300, alive=lambda p, s: True
    )
    recent = SpoolFile(spool.path, 10, NOW - 5)
    assert not writer_gone(
        with_pid, recent, NOW, dead_after=30, orphan_after=300, alive=lambda p, s: False
    )
    no_pid = Cursor("s.jsonl", 0, False)
    assert not writer_gone(no_pid, spool, NOW, dead_after=30, orphan_after=300)
    assert writer_gone(no_pid, spool, NOW, dead_after=30, orphan_after=60)


def test_process_alive_uses_the_real_process_table():
    import os

    assert process_alive(os.getpid(), None)
    assert not process_alive(os.getpid(), time.time() - 3600 * 24 * 365 * 30)  # "reused" pid
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert not process_alive(int(child.stdout), None)


def test_list_spool_ignores_symlinks_and_other_names(tmp_path: Path):
    (tmp_path / "a.jsonl").write_bytes(b"x\n")
    (tmp_path / "notes.txt").write_bytes(b"x\n")
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "a.jsonl")
    assert [f.path.name for f in list_spool(tmp_path)] == ["a.jsonl"]
    assert list_spool(tmp_path / "missing") == []
