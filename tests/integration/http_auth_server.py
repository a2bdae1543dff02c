"""A Streamable HTTP MCP server (official Python SDK, uvicorn) on 127.0.0.1 that answers only
requests carrying ``Authorization: Bearer $TOKEN``: a header-authenticated remote server.

Usage: ``python http_auth_server.py PORT`` (token in ``$TOKEN``); 401 without the header."""

import os
import sys
from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer

server = MCPServer("http-auth-test")


@server.tool()
def whoami(name: str) -> str:
    """Greets the caller (proves the call went through)."""
    return f"hello {name}, you are authenticated"


class RequireBearer:
    def __init__(self, app: Any, token: str) -> None:
        self.app, self.expected = app, f"Bearer {token}".encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            scope["type"] == "http"
            and dict(scope["headers"]).get(b"authorization") != self.expected
        ):
            await send({"type": "http.response.start", "status": 401, "headers": []})
            await send({"type": "http.response.body", "body": b"unauthorized"})
            return
        await self.app(scope, receive, send)


if __name__ == "__main__":
    app = RequireBearer(server.streamable_http_app(), os.environ["TOKEN"])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
