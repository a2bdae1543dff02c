"""Real client, real servers: the official Python SDK through the shim sees what it sees directly."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters, types

from tests.integration.shim_support import (
    EVERYTHING_SERVER,
    TIME_SERVER,
    RawPeer,
    env_for,
    kinds,
    of_kind,
    require_everything,
    shim,
    spool_events,
)

pytestmark = pytest.mark.slow
META = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": {"name": "raw", "version": "1"},
    "io.modelcontextprotocol/clientCapabilities": {},
}


def _params(argv: list[str], home: Path) -> StdioServerParameters:
    return StdioServerParameters(command=argv[0], args=argv[1:], env=env_for(home))


async def _sampling(
    context: Any, params: types.CreateMessageRequestParams
) -> types.CreateMessageResult:
    return types.CreateMessageResult(
        role="assistant", content=types.TextContent(type="text", text="Paris"), model="test-model"
    )


async def _roots(context: Any) -> types.ListRootsResult:
    return types.ListRootsResult(roots=[types.Root(uri="file:///work/project", name="project")])


async def _session(
    argv: list[str], home: Path, calls: list[tuple[str, dict[str, Any]]], **client: Any
) -> dict[str, Any]:
    async with Client(_params(argv, home), **client) as session:
        tools = await session.list_tools()
        results = [(await session.call_tool(name, args)).model_dump() for name, args in calls]
        info = session.server_info.model_dump() if session.server_info else None
    return {"tools": tools.model_dump(), "results": results, "server": info}


def _both(
    home: Path, server: list[str], calls: list[tuple[str, dict[str, Any]]], **client: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    direct = asyncio.run(_session(server, home, calls, **client))
    through = asyncio.run(_session(shim(*server, server="srv"), home, calls, **client))
    return direct, through


@pytest.mark.timeout(90)
def _paris_day() -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()


def test_time_server_2026_era_is_identical_through_the_shim(sandbox_home: Path) -> None:
    calls = [
        (
            "convert_time",
            {"source_timezone": "Europe/Paris", "time": "12:00", "target_timezone": "Asia/Tokyo"},
        ),
        ("get_current_time", {"timezone": "Mars/Olympus"}),
    ]
    # convert_time answers with today's date in Paris: a run that straddles Paris midnight compares
    # two different days, so it is run again (the date cannot change twice in one short run).
    day = _paris_day()
    direct, through = _both(sandbox_home, TIME_SERVER, calls)
    if _paris_day() != day:
        for spooled in (sandbox_home / ".local" / "state" / "hardener" / "spool").glob("*.jsonl"):
            spooled.unlink()
        direct, through = _both(sandbox_home, TIME_SERVER, calls)
    assert through["tools"] == direct["tools"]
    assert through["results"] == direct["results"]
    assert through["server"] == direct["server"]
    events = spool_events(sandbox_home)
    assert kinds(events)[0] == "session.start"
    start = events[0]["body"]
    assert start["protocol_era"] == "2026"
    assert start["protocol_version"] == "2026-07-28"
    assert start["server_info"]["name"] == "mcp-time"
    assert start["argv"] == [sys.executable, "-m", "mcp_server_time"]
    assert [t["name"] for t in of_kind(events, "tools.list")[0]["tools"]] == [
        "get_current_time",
        "convert_time",
    ]
    calls_seen = of_kind(events, "tool.call")
    assert [c["tool"] for c in calls_seen] == ["convert_time", "get_current_time"]
    assert [r["status"] for r in of_kind(events, "tool.result")] == ["ok", "error"]
    assert events[-1]["kind"] == "session.end"


@pytest.mark.timeout(90)
def test_everything_server_legacy_era_with_sampling_and_roots(sandbox_home: Path) -> None:
    require_everything()
    calls = [
        ("echo", {"message": "hello ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"}),
        ("get-sum", {"a": 2, "b": 40}),
        ("get-tiny-image", {}),
        ("trigger-sampling-request", {"prompt": "capital of France?", "maxTokens": 10}),
        ("get-roots-list", {}),
    ]
    direct, through = _both(
        sandbox_home,
        EVERYTHING_SERVER,
        calls,
        sampling_callback=_sampling,
        list_roots_callback=_roots,
    )
    assert through == direct
    events = spool_events(sandbox_home)
    start = events[0]["body"]
    assert start["protocol_era"] == "2025"
    assert start["server_info"]["name"] == "mcp-servers/everything"
    assert start["client_info"]["name"]
    echo = of_kind(events, "tool.call")[0]
    assert "ghp_" not in json.dumps(events)
    assert echo["secrets"] == ["github-token"]
    requests = of_kind(events, "server.request")
    assert {r["method"] for r in requests} >= {"sampling/createMessage", "roots/list"}
    sampling = next(r for r in requests if r["method"] == "sampling/createMessage")
    assert sampling["via"] == "request"
    assert sampling["summary"]["maxTokens"] == 10
    assert all(r["status"] == "ok" for r in of_kind(events, "tool.result"))


@pytest.mark.timeout(90)
def test_ten_megabyte_arguments_and_results(sandbox_home: Path) -> None:
    require_everything()
    # The TypeScript SDK's stdio reader refuses messages of 10 MiB and more (STDIO_DEFAULT_MAX_BUFFER_SIZE),
    # so the largest echo the real server can answer is just under that.
    size = 10 * 1024 * 1024 - 4096
    calls = [("echo", {"message": "m" * size})]
    direct, through = _both(sandbox_home, EVERYTHING_SERVER, calls)
    assert through["results"] == direct["results"]
    events = spool_events(sandbox_home)
    # Lines over the parse limit (1 MiB) are summarised from their first and last bytes.
    call = of_kind(events, "tool.call")[0]
    assert call["tool"] == "echo"
    assert call["parsed"] is False
    assert call["size_bytes"] > size
    assert len(call["blake3"]) == 64
    result = of_kind(events, "tool.result")[0]
    assert result["tool"] == "echo"
    assert result["status"] == "ok"
    assert result["size_bytes"] > size
    assert "m" * 100 not in json.dumps(events)


def _raw_script(peer: RawPeer) -> list[bytes]:
    seen: list[bytes] = []
    _, lines = peer.request(
        "initialize",
        {
            "protocolVersion": "2025-03-26",
            "capabilities": {},
            "clientInfo": {"name": "raw", "version": "1"},
        },
    )
    seen += lines
    peer.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    _, lines = peer.request("tools/list")
    seen += [line for line in lines if b"list_changed" not in line]
    batch = b"".join(
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": i,
                "method": "tools/call",
                "params": {"name": "echo", "arguments": {"message": f"n{i}"}},
            }
        ).encode()
        + b"\n"
        for i in range(200)
    )
    peer.send(batch)
    replies: list[bytes] = []
    while len(replies) < 200:
        line = peer.read_line()
        assert line is not None
        if b"list_changed" not in line:
            replies.append(line)
    return seen + sorted(replies)


@pytest.mark.timeout(90)
def test_every_line_is_byte_identical_with_200_pipelined_calls(sandbox_home: Path) -> None:
    require_everything()
    env = env_for(sandbox_home)
    direct = RawPeer(EVERYTHING_SERVER, env)
    expected = _raw_script(direct)
    direct.close_stdin()
    direct.wait()
    through = RawPeer(shim(*EVERYTHING_SERVER), env)
    got = _raw_script(through)
    through.close_stdin()
    assert through.wait() == 0
    assert got == expected
    results = of_kind(spool_events(sandbox_home), "tool.result")
    assert len(results) == 200
    assert {r["status"] for r in results} == {"ok"}


@pytest.mark.timeout(90)
def test_raw_2026_requests_are_byte_identical(sandbox_home: Path) -> None:
    env = env_for(sandbox_home)

    def script(peer: RawPeer) -> list[bytes]:
        out = []
        for method, params in [
            ("server/discover", {"_meta": META}),
            (
                "tools/call",
                {
                    "name": "convert_time",
                    "arguments": {
                        "source_timezone": "UTC",
                        "time": "08:15",
                        "target_timezone": "Europe/Berlin",
                    },
                    "_meta": {
                        **META,
                        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                    },
                },
            ),
        ]:
            _, lines = peer.request(method, params)
            out += lines
        peer.close_stdin()
        assert peer.wait() == 0
        return out

    assert script(RawPeer(shim(*TIME_SERVER), env)) == script(RawPeer(TIME_SERVER, env))
    events = spool_events(sandbox_home)
    assert (
        of_kind(events, "tool.call")[0]["traceparent"]
        == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    )
    assert events[0]["body"]["protocol_era"] == "2026"


@pytest.mark.timeout(90)
def test_cancellation_is_recorded(sandbox_home: Path) -> None:
    require_everything()
    peer = RawPeer(shim(*EVERYTHING_SERVER), env_for(sandbox_home))
    peer.initialize()
    peer.send(
        {
            "jsonrpc": "2.0",
            "id": 77,
            "method": "tools/call",
            "params": {
                "name": "trigger-long-running-operation",
                "arguments": {"duration": 30, "steps": 30},
                "_meta": {"progressToken": 1},
            },
        }
    )
    assert peer.read_line() is not None  # the first progress notification: the call is running
    peer.send(
        {
            "jsonrpc": "2.0",
            "method": "notifications/cancelled",
            "params": {"requestId": 77, "reason": "user"},
        }
    )
    peer.close_stdin()
    peer.wait()
    results = of_kind(spool_events(sandbox_home), "tool.result")
    assert [r["status"] for r in results] == ["cancelled"]
