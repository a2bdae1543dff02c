"""Bridge mode: stdio to a real Streamable HTTP MCP server on 127.0.0.1, recorded like stdio."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from tests.integration.shim_support import (
    EVERYTHING,
    NODE,
    RawPeer,
    env_for,
    of_kind,
    require_everything,
    spool_events,
)

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def http_server(sandbox_home: Path) -> Iterator[str]:
    """server-everything in streamableHttp mode; ready when it says it is listening."""
    require_everything()
    port = _free_port()
    proc = subprocess.Popen(
        [NODE, str(EVERYTHING), "streamableHttp"],
        env=env_for(sandbox_home, PORT=str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    for raw in proc.stderr:
        if b"listening on port" in raw:
            break
    else:
        pytest.fail("the HTTP server did not start")
    threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep its log pipe drained
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(10)


async def _session(server: Any, calls: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    async with Client(server) as client:
        tools = await client.list_tools()
        results = [(await client.call_tool(name, args)).model_dump() for name, args in calls]
    return {"tools": tools.model_dump(), "results": results}


def _bridge(url: str, *extra: str) -> list[str]:
    import sys

    return [
        sys.executable,
        "-m",
        "hardener.shim",
        "--client",
        "test",
        "--server",
        "remote",
        "--url",
        url,
        *extra,
    ]


@pytest.mark.timeout(90)
def test_bridge_matches_a_direct_http_connection(sandbox_home: Path, http_server: str) -> None:
    calls = [("echo", {"message": "over http"}), ("get-sum", {"a": 20, "b": 22})]
    direct = asyncio.run(_session(http_server, calls))
    argv = _bridge(
        http_server,
        "--header",
        "Authorization: Bearer sk-ant-" + "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe",
    )
    through = asyncio.run(
        _session(
            StdioServerParameters(command=argv[0], args=argv[1:], env=env_for(sandbox_home)), calls
        )
    )
    assert through == direct
    events = spool_events(sandbox_home)
    start = events[0]["body"]
    assert start["transport"] == "bridge"
    assert start["url"] == http_server
    assert start["headers"] == ["Authorization"]
    assert "Zx9Yw8" not in str(events)
    assert [c["tool"] for c in of_kind(events, "tool.call")] == ["echo", "get-sum"]
    assert [r["status"] for r in of_kind(events, "tool.result")] == ["ok", "ok"]
    assert events[-1]["kind"] == "session.end"


@pytest.mark.timeout(60)
def test_unreachable_remote_answers_with_an_error(sandbox_home: Path) -> None:
    peer = RawPeer(_bridge(f"http://127.0.0.1:{_free_port()}/mcp"), env_for(sandbox_home))
    answer, _ = peer.request(
        "initialize",
        {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    )
    assert "could not reach remote MCP server 'remote'" in answer["error"]["message"]
    peer.close_stdin()
    assert peer.wait() == 1
