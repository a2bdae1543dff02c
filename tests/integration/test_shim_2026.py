"""The 2026-07-28 multi-round tool call (input_required) through the shim, with a real SDK server."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters, types

from tests.integration.shim_support import env_for, of_kind, shim, spool_events

pytestmark = pytest.mark.slow
SERVER = [sys.executable, str(Path(__file__).resolve().parent / "mrtr_server.py")]


async def _sampling(
    context: Any, params: types.CreateMessageRequestParams
) -> types.CreateMessageResult:
    return types.CreateMessageResult(
        role="assistant", content=types.TextContent(type="text", text="Paris"), model="test-model"
    )


async def _call(argv: list[str], home: Path, mode: str) -> tuple[str, str]:
    params = StdioServerParameters(command=argv[0], args=argv[1:], env=env_for(home))
    async with Client(params, mode=mode, sampling_callback=_sampling) as client:
        result = await client.call_tool("capital", {})
        return str(result.model_dump()), client.protocol_version


def _messages(error: BaseException) -> str:
    """The text of an error and of everything inside it (anyio wraps errors in groups)."""
    inner = getattr(error, "exceptions", ())
    return " ".join([str(error), *(_messages(e) for e in inner)])


@pytest.mark.timeout(90)
def test_input_required_round_trip_is_recorded(sandbox_home: Path) -> None:
    direct = asyncio.run(_call(SERVER, sandbox_home, "auto"))
    through = asyncio.run(_call(shim(*SERVER, server="mrtr"), sandbox_home, "auto"))
    assert through == direct
    assert through[1] == "2026-07-28"
    events = spool_events(sandbox_home)
    requests = of_kind(events, "server.request")
    assert len(requests) == 1
    assert requests[0]["method"] == "sampling/createMessage"
    assert requests[0]["via"] == "input_required"
    assert requests[0]["decision"] == "forwarded"
    assert requests[0]["in_reply_to"]["tool"] == "capital"
    assert requests[0]["summary"]["last_text"] == "capital of France?"
    assert [r["status"] for r in of_kind(events, "tool.result")] == ["input_required", "ok"]
    calls = of_kind(events, "tool.call")
    assert calls[1]["retry"] is True
    assert calls[1]["input_responses"] == ["__main__:ask_llm"]


@pytest.mark.timeout(90)
def test_legacy_era_sends_the_same_need_as_a_server_request(sandbox_home: Path) -> None:
    text, version = asyncio.run(_call(shim(*SERVER, server="mrtr"), sandbox_home, "legacy"))
    assert "Paris" in text
    assert version < "2026"
    requests = of_kind(spool_events(sandbox_home), "server.request")
    assert [(r["method"], r["via"]) for r in requests] == [("sampling/createMessage", "request")]


@pytest.mark.timeout(90)
def test_denied_sampling_is_dropped_from_the_input_requests(sandbox_home: Path) -> None:
    policy = sandbox_home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text('mode = "enforce"\n[server_requests]\nsampling = "deny"\n')
    with pytest.raises(Exception) as caught:
        asyncio.run(_call(shim(*SERVER, server="mrtr"), sandbox_home, "auto"))
    assert "blocks" in _messages(caught.value)
    events = spool_events(sandbox_home)
    request = of_kind(events, "server.request")[0]
    assert request["decision"] == "denied"
    assert of_kind(events, "policy.deny") == [
        {
            "what": "sampling",
            "name": "sampling/createMessage",
            "rule": "server_requests.sampling",
            "id": "__main__:ask_llm",
        }
    ]
    assert of_kind(events, "tool.result")[0]["replaced_by_policy"] is True
