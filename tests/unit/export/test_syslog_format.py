"""RFC 5424 formatting, export records and time parsing (pure parts of export and query)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hardener.errors import UsageError
from hardener.export.records import export_record, wanted
from hardener.export.syslog import format_message, parse_url, severity
from hardener.ledger.chain.record import parse
from hardener.ledger.query import parse_time
from tests.support.ledger_factory import build

BUILT = build(3, checkpoint_every=2)


def test_export_record_and_rfc5424_message():
    record = parse(BUILT.lines()[1])
    export = export_record(record)
    assert export["schema_version"] == 1
    assert export["ts"].endswith("Z")
    message = format_message(export, hostname="host name\u00e9")
    head, _, msg = message.partition(b" [hardener@32473 ")
    assert head.startswith(b"<110>1 " + export["ts"].encode() + b" hostname hardener ")
    assert head.endswith(b" tool.call")
    sd, _, body = msg.partition(b"] ")
    assert b'seq="1"' in sd
    assert json.loads(body) == export


def test_severity_and_truncation():
    assert severity({"kind": "checkpoint"}) == 5
    assert severity({"kind": "alert", "body": {"event": {"body": {"severity": "critical"}}}}) == 2
    assert severity({"kind": "tool.call"}) == 6
    big: Any = {
        "kind": "tool.call",
        "ts": "t",
        "seq": 1,
        "log_id": "x",
        "body": {"x": "y" * 70_000},
    }
    short = format_message(big, hostname="h", limit=60_000)
    assert len(short) < 1000
    assert b'"body_truncated":true' in short


def test_checkpoints_always_go():
    checkpoint = next(parse(line) for line in BUILT.lines() if b'"kind":"checkpoint"' in line)
    call = parse(BUILT.lines()[1])
    assert wanted(checkpoint, ["alert"])
    assert not wanted(call, ["alert"])
    assert wanted(call, None)


def test_parse_url_and_time():
    assert parse_url("tcp://collector:6514") == ("tcp", "collector", 6514)
    assert parse_url("udp://127.0.0.1") == ("udp", "127.0.0.1", 514)
    with pytest.raises(UsageError):
        parse_url("http://x:1")
    assert parse_time("2h", 10_000.0) == 10_000.0 - 7200
    assert parse_time("2026-01-01T00:00:00Z", 0) == 1767225600.0
    assert parse_time("2026-01-01T01:00:00+01:00", 0) == 1767225600.0
    with pytest.raises(UsageError):
        parse_time("soon", 0)
