"""One MCP session of the demo: the official SDK client, launched exactly as the client config says
(so through ``hardener-shim``), calling the demo server's tools (L3 edge).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from mcp import Client, StdioServerParameters, types

#: the token ``deploy`` receives: a GitHub token shape the redactor knows (not a real token)
DEMO_TOKEN = "ghp_" + "Dem0T0kenN0tReal" + "a1B2c3D4e5F6g7H8i9J0"
BURST = 30


@dataclass
class SessionResult:
    tools: dict[str, str] = field(default_factory=dict)  # name -> description
    calls: int = 0
    answers: list[str] = field(default_factory=list)


async def _sampling(
    context: object, params: types.CreateMessageRequestParams
) -> types.CreateMessageResult:
    return types.CreateMessageResult(
        role="assistant",
        content=types.TextContent(type="text", text="(the demo's stand-in for a model)"),
        model="demo-model",
    )


def _text(result: types.CallToolResult) -> str:
    return " ".join(getattr(c, "text", "") for c in result.content)


async def _run(command: str, args: list[str], env: dict[str, str], full: bool) -> SessionResult:
    out = SessionResult()
    params = StdioServerParameters(command=command, args=args, env=env)
    async with Client(params, sampling_callback=_sampling) as client:
        listed = await client.list_tools()
        out.tools = {tool.name: tool.description or "" for tool in listed.tools}
        out.answers.append(_text(await client.call_tool("get_weather", {"city": "Lisbon"})))
        out.calls += 1
        if full:
            for _ in range(BURST):
                await client.call_tool("ping", {})
            out.calls += BURST
            deployed = await client.call_tool("deploy", {"service": "web", "token": DEMO_TOKEN})
            out.answers.append(_text(deployed))
            out.answers.append(_text(await client.call_tool("summarize", {})))
            out.calls += 2
    return out


def run_session(
    command: str, args: list[str], env: dict[str, str], *, full: bool = True
) -> SessionResult:
    """Connect, list tools, call them; ``full=False`` only lists and calls ``get_weather``."""
    return asyncio.run(_run(command, args, env, full))
