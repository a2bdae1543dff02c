"""Policy enforcement by the shim with real servers; fail-open and fail-closed on a full spool."""

from __future__ import annotations

import asyncio
import resource
import time
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters, types

from tests.integration.shim_support import (
    EVERYTHING_SERVER,
    RAW_ECHO,
    RawPeer,
    env_for,
    of_kind,
    require_everything,
    shim,
    spool_events,
)

pytestmark = pytest.mark.slow


def _policy(home: Path, text: str) -> None:
    path = home / ".config" / "hardener" / "policy.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


async def _sampling(
    context: Any, params: types.CreateMessageRequestParams
) -> types.CreateMessageResult:
    return types.CreateMessageResult(
        role="assistant", content=types.TextContent(type="text", text="x"), model="m"
    )


@pytest.mark.timeout(90)
def test_enforce_denies_and_hides_tools_and_refuses_sampling(sandbox_home: Path) -> None:
    require_everything()
    _policy(
        sandbox_home,
        'mode = "enforce"\n[tools]\ndeny = ["everything/get-sum"]\nhide_denied = true\n[server_requests]\nsampling = "deny"\n',
    )

    async def session() -> tuple[list[str], str, types.CallToolResult]:
        argv = shim(*EVERYTHING_SERVER, server="everything")
        params = StdioServerParameters(command=argv[0], args=argv[1:], env=env_for(sandbox_home))
        async with Client(params, sampling_callback=_sampling) as client:
            names = [t.name for t in (await client.list_tools()).tools]
            with pytest.raises(Exception) as denied:
                await client.call_tool("get-sum", {"a": 1, "b": 2})
            sampled = await client.call_tool(
                "trigger-sampling-request", {"prompt": "hi", "maxTokens": 5}
            )
        return names, str(denied.value), sampled

    names, denied, sampled = asyncio.run(session())
    assert "get-sum" not in names
    assert "echo" in names
    assert "blocked by policy" in denied
    assert sampled.is_error or "blocked" in str(sampled.model_dump())
    events = spool_events(sandbox_home)
    denies = of_kind(events, "policy.deny")
    assert {d["what"] for d in denies} == {"tool", "sampling"}
    assert of_kind(events, "tools.list")[0]["hidden"] == ["get-sum"]
    results = {r["tool"]: r["status"] for r in of_kind(events, "tool.result")}
    assert results["get-sum"] == "denied"
    sampling = next(
        r for r in of_kind(events, "server.request") if r["method"] == "sampling/createMessage"
    )
    assert sampling["decision"] == "denied"


@pytest.mark.timeout(60)
def test_a_denied_server_is_never_started(sandbox_home: Path) -> None:
    _policy(sandbox_home, 'mode = "enforce"\n[servers]\ndeny = ["evil*"]\n')
    peer = RawPeer(shim(*RAW_ECHO, "--child", server="evil-server"), env_for(sandbox_home))
    answer, _ = peer.request(
        "initialize",
        {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    )
    assert "blocked by policy" in answer["error"]["message"]
    assert answer["error"]["data"] == {"rule": "servers.deny:evil*"}
    again, _ = peer.request("tools/list")
    assert "error" in again
    assert peer.descendants(recorder=False) == []
    peer.close_stdin()
    assert peer.wait() == 1
    events = spool_events(sandbox_home)
    assert of_kind(events, "policy.deny") == [
        {"what": "server", "name": "evil-server", "rule": "servers.deny:evil*"}
    ]


@pytest.mark.timeout(60)
def test_audit_mode_only_records_what_it_would_deny(sandbox_home: Path) -> None:
    _policy(sandbox_home, '[tools]\ndeny = ["rm"]\n')
    peer = RawPeer(shim(*RAW_ECHO), env_for(sandbox_home))
    peer.send({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "rm"}})
    assert peer.read_line() is not None  # forwarded (and echoed)
    peer.close_stdin()
    peer.wait()
    assert of_kind(spool_events(sandbox_home), "tool.call")[0]["would_deny"] == "tools.deny:rm"


def _limit_files(size: int) -> Any:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def _warm(home: Path) -> None:
    """One session first, so the policy cache and the fingerprint key exist before the limit."""
    peer = RawPeer(shim(*RAW_ECHO), env_for(home))
    peer.close_stdin()
    peer.wait()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode", ["open", "closed"])
def test_a_full_spool_fails_open_or_closed(sandbox_home: Path, mode: str) -> None:
    _policy(sandbox_home, f'fail_mode = "{mode}"\n')
    _warm(sandbox_home)
    peer = RawPeer(shim(*RAW_ECHO), env_for(sandbox_home), preexec_fn=_limit_files(3000))
    warning = b"cannot write the audit spool"
    refused = after_warning = 0
    deadline = time.monotonic() + 40
    i = 0
    # The shim records asynchronously: call until it has noticed the full spool, then a few more
    # (fail-open), or until the first refusal (fail-closed, which takes effect a few calls after the
    # warning on a loaded machine).
    while time.monotonic() < deadline and not refused and (mode == "closed" or after_warning <= 5):
        i += 1
        call = {
            "jsonrpc": "2.0",
            "id": i,
            "method": "tools/call",
            "params": {"name": "echo", "arguments": {"pad": "p" * 200}},
        }
        peer.send(call)
        line = peer.read_line()
        assert line is not None
        refused += b'"error"' in line and b"fail-closed" in line
        if warning in peer.stderr:
            after_warning += 1
    peer.close_stdin()
    peer.wait()
    assert peer.stderr.count(warning) == 1
    if mode == "open":
        assert refused == 0
        assert after_warning > 5
    else:
        assert refused > 0
    files = sorted((sandbox_home / ".local" / "state" / "hardener" / "spool").glob("*.jsonl"))
    last = files[-1].read_bytes()
    assert len(last) <= 3000
    assert last.endswith(b"\n")  # never a torn line
