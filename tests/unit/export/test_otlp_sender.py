"""The OTLP sender's answers from a collector: accepted, refused, partially rejected."""

from __future__ import annotations

import json

import httpx
import pytest

from hardener.export.otlp import OtlpSender, expand, value
from hardener.export.syslog import ExportError
from hardener.ledger.chain.build import make_line
from hardener.ledger.chain.record import ZERO_HASH, Record, parse


def _record() -> Record:
    event = {
        "v": 1,
        "kind": "tool.result",
        "ts": "2026-12-06T10:00:00.500000Z",
        "session": "abc",
        "n": 1,
        "client": "cursor",
        "server": "time",
        "body": {"id": 7, "tool": "get_current_time", "status": "ok", "duration_ms": 250},
    }
    body = json.dumps({"spool": {"file": "s.jsonl", "offset": 0, "length": 1}, "event": event})
    line = make_line(
        seq=3,
        ts="2026-12-06T10:00:01.000000Z",
        log_id="0123456789abcdef0123456789abcdef",
        epoch=0,
        kind="tool.result",
        prev=ZERO_HASH,
        body=body.encode(),
        key=bytes(32),
    )
    record = parse(line)
    assert record is not None
    return record


def _sender(handler) -> OtlpSender:  # type: ignore[no-untyped-def]
    return OtlpSender("http://127.0.0.1:4318/", "traces", transport=httpx.MockTransport(handler))


def test_a_span_is_posted_as_otlp_json():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    sender = _sender(handler)
    sender.send([_record()])
    sender.close()
    (request,) = seen
    assert request.url.path == "/v1/traces"
    assert request.headers["content-type"] == "application/json"
    span = json.loads(request.content)["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    assert span["name"] == "tools/call get_current_time"
    assert int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"]) == 250_000_000


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(503, text="down"),
        httpx.Response(200, json={"partialSuccess": {"rejectedSpans": "1", "errorMessage": "bad"}}),
    ],
)
def test_a_refusal_is_an_export_error(response):
    sender = _sender(lambda request: response)
    with pytest.raises(ExportError):
        sender.send([_record()])
    sender.close()


def test_expand_and_values():
    assert [t["signal"] for t in expand({"type": "otlp", "endpoint": "http://x"})] == [
        "logs",
        "traces",
        "metrics",
    ]
    assert expand({"type": "jsonl", "path": "f"}) == [{"type": "jsonl", "path": "f"}]
    assert value(True) == {"boolValue": True}
    assert value(3) == {"intValue": "3"}
    assert value({"a": 1}) == {"stringValue": '{"a":1}'}
