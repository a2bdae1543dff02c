"""The session tracker: era detection and the events each exchange implies, in both eras."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from hardener.policy import load_schema
from hardener.redact import Redactor
from hardener.shim.tracker import SessionTracker

# shared/ lies beside the repository (CI lays a copy there); /work/shared on developer machines.
_SHARED = next(
    (
        p
        for p in (Path(__file__).resolve().parents[4] / "shared", Path("/work/shared"))
        if p.is_dir()
    ),
    Path("/work/shared"),
)
EXAMPLES = _SHARED / "mcp-schema" / "2026-07-28-examples"
META = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": {"name": "c", "version": "1"},
    "io.modelcontextprotocol/clientCapabilities": {"sampling": {}},
    "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _tracker() -> tuple[SessionTracker, Clock]:
    clock = Clock()
    return SessionTracker(Redactor(b"k" * 32), {"pid": 1, "transport": "stdio"}, clock=clock), clock


def _kinds(events: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [kind for kind, _ in events]


def _run(tracker: SessionTracker, exchange: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for direction, msg in exchange:
        out += tracker.message(direction, msg, len(json.dumps(msg)))
    return out


def test_legacy_handshake_then_tool_call() -> None:
    tracker, clock = _tracker()
    events = _run(
        tracker,
        [
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "id": 0,
                    "method": "initialize",
                    "params": {
                        "protocolVersion": "2025-06-18",
                        "clientInfo": {"name": "claude", "version": "1"},
                        "capabilities": {"roots": {}},
                    },
                },
            ),
            (
                "s2c",
                {
                    "jsonrpc": "2.0",
                    "id": 0,
                    "result": {
                        "protocolVersion": "2025-06-18",
                        "serverInfo": {"name": "srv", "version": "2"},
                        "capabilities": {"tools": {}},
                        "instructions": "be nice",
                    },
                },
            ),
            ("c2s", {"jsonrpc": "2.0", "method": "notifications/initialized"}),
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "tools/call",
                    "params": {"name": "q", "arguments": {"sql": "select 1", "password": "pw"}},
                },
            ),
        ],
    )
    clock.now += 0.25
    events += _run(
        tracker,
        [
            (
                "s2c",
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "result": {"content": [{"type": "text", "text": "1"}], "isError": False},
                },
            )
        ],
    )
    assert _kinds(events) == ["session.start", "tool.call", "tool.result"]
    start = events[0][1]
    assert start["protocol_era"] == "2025"
    assert start["protocol_version"] == "2025-06-18"
    assert start["client_info"]["name"] == "claude"
    assert start["server_info"]["name"] == "srv"
    assert start["instructions_hash"]
    call = events[1][1]
    assert call["arguments"]["password"].startswith("[redacted:secret-key")
    assert set(call["fingerprints"]) == {"/sql", "/password"}
    result = events[2][1]
    assert result["status"] == "ok"
    assert result["duration_ms"] == 250.0
    assert result["result_excerpt"] == "1"


def test_2026_era_from_meta_with_discover_and_traceparent() -> None:
    tracker, _ = _tracker()
    discover = json.loads(
        (EXAMPLES / "DiscoverResult" / "server-capabilities-discovery.json").read_text()
    )
    events = _run(
        tracker,
        [
            (
                "c2s",
                {"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": META}},
            ),
            ("s2c", {"jsonrpc": "2.0", "id": 1, "result": discover}),
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "method": "tools/call",
                    "params": {"name": "t", "arguments": {}, "_meta": META},
                },
            ),
            (
                "s2c",
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "result": {"resultType": "complete", "content": [], "isError": True},
                },
            ),
        ],
    )
    assert _kinds(events) == ["session.start", "tool.call", "tool.result"]
    assert events[0][1]["protocol_era"] == "2026"
    assert events[0][1]["protocol_version"] == "2026-07-28"
    assert events[0][1]["client_info"] == {"name": "c", "version": "1"}
    assert events[1][1]["traceparent"] == META["traceparent"]
    assert events[2][1]["status"] == "error"
    assert events[2][1]["is_error"] is True


def test_probe_failure_falls_back_to_legacy_era() -> None:
    tracker, _ = _tracker()
    events = _run(
        tracker,
        [
            (
                "c2s",
                {"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": META}},
            ),
            (
                "s2c",
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "error": {"code": -32601, "message": "Method not found"},
                },
            ),
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "method": "initialize",
                    "params": {
                        "protocolVersion": "2025-11-25",
                        "clientInfo": {"name": "x", "version": "1"},
                        "capabilities": {},
                    },
                },
            ),
            (
                "s2c",
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "result": {
                        "protocolVersion": "2025-11-25",
                        "serverInfo": {"name": "s", "version": "1"},
                        "capabilities": {},
                    },
                },
            ),
        ],
    )
    assert _kinds(events) == ["session.start"]
    assert events[0][1]["protocol_era"] == "2025"


def test_input_required_records_server_requests_from_the_official_example() -> None:
    tracker, _ = _tracker()
    example = json.loads(
        (
            EXAMPLES
            / "InputRequiredResult"
            / "input-required-result-with-elicitation-and-sampling-and-request-state.json"
        ).read_text()
    )
    events = _run(
        tracker,
        [
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "id": 5,
                    "method": "tools/call",
                    "params": {"name": "login", "arguments": {}, "_meta": META},
                },
            ),
            ("s2c", {"jsonrpc": "2.0", "id": 5, "result": example}),
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "id": 6,
                    "method": "tools/call",
                    "params": {
                        "name": "login",
                        "arguments": {},
                        "inputResponses": {"github_login": {}},
                        "requestState": example["requestState"],
                        "_meta": META,
                    },
                },
            ),
        ],
    )
    kinds = _kinds(events)
    assert kinds == [
        "session.start",
        "tool.call",
        "server.request",
        "server.request",
        "tool.result",
        "tool.call",
    ]
    requests = {body["id"]: body for kind, body in events if kind == "server.request"}
    assert requests["capital_of_france"]["method"] == "sampling/createMessage"
    assert requests["capital_of_france"]["via"] == "input_required"
    assert requests["github_login"]["summary"]["fields"] == ["name"]
    assert events[4][1]["status"] == "input_required"
    assert events[5][1]["retry"] is True
    assert events[5][1]["input_responses"] == ["github_login"]


def test_legacy_server_requests_cancellation_and_no_response() -> None:
    tracker, clock = _tracker()
    events = _run(
        tracker,
        [
            (
                "c2s",
                {"jsonrpc": "2.0", "id": "a", "method": "tools/call", "params": {"name": "slow"}},
            ),
            (
                "s2c",
                {
                    "jsonrpc": "2.0",
                    "id": 9,
                    "method": "sampling/createMessage",
                    "params": {
                        "messages": [{"role": "user", "content": {"type": "text", "text": "hi"}}],
                        "maxTokens": 5,
                    },
                },
            ),
            ("s2c", {"jsonrpc": "2.0", "id": 10, "method": "roots/list"}),
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "method": "notifications/cancelled",
                    "params": {"requestId": "a"},
                },
            ),
            (
                "c2s",
                {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "never"}},
            ),
        ],
    )
    clock.now += 1
    events += tracker.finish("client_closed", 0)
    assert _kinds(events) == [
        "session.start",
        "tool.call",
        "server.request",
        "server.request",
        "tool.result",
        "tool.call",
        "tool.result",
        "session.end",
    ]
    assert events[2][1]["summary"]["last_text"] == "hi"
    assert events[4][1]["status"] == "cancelled"
    assert events[6][1]["status"] == "no-response"
    assert events[7][1]["counts"]["tool_calls"] == 2


def test_tools_list_hashes_batches_anomalies_and_tasks() -> None:
    tracker, _ = _tracker()
    tool = json.loads((EXAMPLES / "Tool").glob("*.json").__next__().read_text())
    events = _run(
        tracker,
        [
            (
                "c2s",
                [
                    {"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                    {
                        "jsonrpc": "2.0",
                        "id": 2,
                        "method": "tools/call",
                        "params": {"name": "x", "task": {"ttl": 1000}},
                    },
                ],
            ),
            ("s2c", {"jsonrpc": "2.0", "id": 1, "result": {"tools": [tool]}}),
            (
                "s2c",
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "result": {"task": {"taskId": "T1", "status": "working"}},
                },
            ),
            (
                "c2s",
                {"jsonrpc": "2.0", "id": 3, "method": "tasks/result", "params": {"taskId": "T1"}},
            ),
            (
                "s2c",
                {
                    "jsonrpc": "2.0",
                    "id": 3,
                    "result": {"content": [{"type": "text", "text": "done"}]},
                },
            ),
            ("c2s", 42),
        ],
    )
    kinds = _kinds(events)
    assert kinds == [
        "session.start",
        "tool.call",
        "tools.list",
        "tool.result",
        "tool.result",
        "protocol.anomaly",
    ]
    listed = events[2][1]["tools"][0]
    assert listed["name"] == tool["name"]
    assert len(listed["hash"]) == 64
    assert events[1][1]["task"] is True
    assert events[3][1]["task_id"] == "T1"
    assert events[4][1]["via"] == "tasks/result"
    assert events[4][1]["tool"] == "x"


def test_every_body_fits_the_event_schema(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from hardener.events import make_event

    tracker, _ = _tracker()
    events = _run(
        tracker,
        [
            ("c2s", {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "x"}}),
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "method": "resources/read",
                    "params": {"uri": "file:///etc/passwd"},
                },
            ),
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "id": 3,
                    "method": "prompts/get",
                    "params": {"name": "p", "arguments": {"token": "t0k"}},
                },
            ),
        ],
    )
    events += tracker.finish("child_exited", 3)
    schema = load_schema("event.schema.json")
    for n, (kind, body) in enumerate(events):
        jsonschema.validate(
            make_event(
                kind, body, session="s", n=n, client="c", server="v", moment=datetime.now(UTC)
            ),
            schema,
        )
    assert "t0k" not in json.dumps(events)


def test_2026_tasks_extension_flow() -> None:
    tracker, _ = _tracker()
    asks = {
        "confirm": {
            "method": "elicitation/create",
            "params": {
                "message": "go?",
                "requestedSchema": {"type": "object", "properties": {"ok": {"type": "boolean"}}},
            },
        }
    }
    events = _run(
        tracker,
        [
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "tools/call",
                    "params": {"name": "deploy", "arguments": {}, "_meta": META},
                },
            ),
            (
                "s2c",
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "result": {"resultType": "task", "taskId": "T9", "status": "working"},
                },
            ),
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "method": "tasks/get",
                    "params": {"taskId": "T9", "_meta": META},
                },
            ),
            (
                "s2c",
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "result": {
                        "resultType": "complete",
                        "taskId": "T9",
                        "status": "input_required",
                        "inputRequests": asks,
                    },
                },
            ),
            (
                "c2s",
                {
                    "jsonrpc": "2.0",
                    "id": 3,
                    "method": "tasks/result",
                    "params": {"taskId": "T9", "_meta": META},
                },
            ),
            (
                "s2c",
                {
                    "jsonrpc": "2.0",
                    "id": 3,
                    "result": {
                        "resultType": "complete",
                        "content": [{"type": "text", "text": "deployed"}],
                    },
                },
            ),
        ],
    )
    assert _kinds(events) == [
        "session.start",
        "tool.call",
        "tool.result",
        "server.request",
        "tool.result",
    ]
    assert events[2][1]["task_id"] == "T9"
    assert events[2][1]["result_type"] == "task"
    assert events[3][1]["in_reply_to"]["method"] == "tasks/get"
    assert events[3][1]["summary"]["fields"] == ["ok"]
    assert events[4][1]["tool"] == "deploy"
    assert events[4][1]["via"] == "tasks/result"


def test_tool_lists_reach_the_pin_hook_with_completeness() -> None:
    tracker, _clock = _tracker()
    seen: list[tuple[list[str], str | None, bool]] = []
    tracker.on_tools_list = lambda tools, instructions, complete: seen.append(
        ([t["name"] for t in tools], instructions, complete)
    )
    tool = {"name": "a", "inputSchema": {"type": "object"}}
    _run(
        tracker,
        [
            ("c2s", {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
            ("s2c", {"jsonrpc": "2.0", "id": 1, "result": {"tools": [tool, "junk"]}}),
            ("c2s", {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
            ("s2c", {"jsonrpc": "2.0", "id": 2, "result": {"tools": [tool], "nextCursor": "p2"}}),
            (
                "c2s",
                {"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {"cursor": "p2"}},
            ),
            ("s2c", {"jsonrpc": "2.0", "id": 3, "result": {"tools": []}}),
            ("c2s", {"jsonrpc": "2.0", "id": 4, "method": "tools/list"}),
            ("s2c", {"jsonrpc": "2.0", "id": 4, "error": {"code": -1, "message": "no"}}),
        ],
    )
    assert seen == [(["a"], None, True), (["a"], None, False), ([], None, False)]
