"""``remote_servers = "bridge"`` end to end: real ``hardener harden`` bridges a header-authenticated
remote entry, leaves OAuth ones byte-identical, the official SDK client reaches a real Streamable
HTTP server through the bridged entry, scan says who audits the rest, restore is byte-exact."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import Client, StdioServerParameters

from tests.integration.shim_support import env_for, of_kind, spool_events

pytestmark = pytest.mark.slow

SERVER = Path(__file__).with_name("http_auth_server.py")
TOKEN = "tok-" + "Qm7Rn2Vs9Xw4"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def http_server(sandbox_home: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), str(port)],
        env=env_for(sandbox_home, TOKEN=TOKEN),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the HTTP MCP server did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(10)


async def _call(server: Any) -> str:
    async with Client(server) as client:
        tools = await client.list_tools()
        assert [t.name for t in tools.tools] == ["whoami"]
        result = await client.call_tool("whoami", {"name": "ada"})
    return str(result.content[0].text)  # type: ignore[union-attr]


def _cursor_text(url: str) -> str:
    return (
        "{\n"
        '  "mcpServers": {\n'
        f'    "api": {{"url": "{url}", "headers": {{"Authorization": "Bearer {TOKEN}"}}}},\n'
        '    "signin": {\n'
        '      "url": "https://mcp.linear.app/mcp"\n'
        "    }\n"
        "  }\n"
        "}\n"
    )


GEMINI = (
    '{\n  "mcpServers": {\n    "drive": {\n      "httpUrl": "https://example.com/mcp",\n'
    '      "headers": {"Authorization": "Bearer x"},\n'
    '      "oauth": {"enabled": true, "clientId": "abc"}\n    }\n  }\n}\n'
)


@pytest.mark.timeout(120)
def test_bridge_header_remote_leave_oauth_remote(run_cli, sandbox_home, http_server):
    home = sandbox_home
    cursor = home / ".cursor" / "mcp.json"
    gemini = home / ".gemini" / "settings.json"
    cursor.parent.mkdir()
    gemini.parent.mkdir()
    cursor.write_text(_cursor_text(http_server))
    gemini.write_text(GEMINI)
    policy = home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text('remote_servers = "bridge"\n')
    before = {p: p.read_bytes() for p in (cursor, gemini)}
    signin = '    "signin": {\n      "url": "https://mcp.linear.app/mcp"\n    }\n'
    # without the header the server refuses (401, not any failure): the bridge must pass it on
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    accept = {"Accept": "application/json, text/event-stream"}
    assert httpx.post(http_server, json=initialize, headers=accept).status_code == 401

    result = run_cli("harden", "--yes", "--json")
    assert result.code == 0, result.stderr
    actions = {
        (Path(f["path"]).name, e["name"]): e["action"]
        for f in result.json()["files"]
        for e in f["entries"]
    }
    assert actions == {("mcp.json", "api"): "bridge"}, actions
    assert gemini.read_bytes() == before[gemini]
    text = cursor.read_text()
    assert signin in text  # the OAuth entry, byte for byte
    api = json.loads(text)["mcpServers"]["api"]
    assert set(api) == {"command", "args"}
    assert api["command"].endswith("hardener-shim")
    assert "--url" in api["args"]
    assert http_server in api["args"]

    answer = asyncio.run(
        _call(StdioServerParameters(command=api["command"], args=api["args"], env=env_for(home)))
    )
    assert answer == "hello ada, you are authenticated"
    events = spool_events(home)
    (start,) = of_kind(events, "session.start")
    assert start["transport"] == "bridge"
    assert start["headers"] == ["Authorization"]
    assert [c["tool"] for c in of_kind(events, "tool.call")] == ["whoami"]
    assert TOKEN not in json.dumps(events)

    findings = {(f["server"], f["kind"]): f for f in run_cli("scan", "--json").json()["findings"]}
    signin_finding = findings[("signin", "remote_not_audited")]
    assert "client-managed OAuth" in signin_finding["message"]
    assert signin_finding["remedy"] == "Run 'hardener hooks install --client cursor'."
    drive = findings[("drive", "remote_not_audited")]
    assert "client-managed OAuth ('oauth')" in drive["message"]
    assert "Gemini CLI has no hooks" in drive["message"]
    assert run_cli("hooks", "install", "--client", "cursor").code == 0
    findings = {(f["server"], f["kind"]): f for f in run_cli("scan", "--json").json()["findings"]}
    assert (
        "client-managed OAuth: audited by hooks"
        in (findings[("signin", "remote_hook_audited")]["message"])
    )
    assert ("signin", "remote_not_audited") not in findings

    assert run_cli("restore", "--yes").code == 0
    assert {p: p.read_bytes() for p in (cursor, gemini)} == before
