"""A small MCP server (official Python SDK) whose tool needs sampling: in the 2026-07-28 era the
SDK answers with an ``input_required`` result (``inputRequests``), in the legacy era it sends a
``sampling/createMessage`` request mid-call."""

from typing import Annotated

from mcp.server.mcpserver import MCPServer, Resolve
from mcp.server.mcpserver.resolve import Sample
from mcp_types import CreateMessageResult, SamplingMessage, TextContent

server = MCPServer("mrtr-test")


def ask_llm() -> Sample:
    return Sample(
        [SamplingMessage(role="user", content=TextContent(type="text", text="capital of France?"))],
        max_tokens=10,
    )


@server.tool()
def capital(answer: Annotated[CreateMessageResult, Resolve(ask_llm)]) -> str:
    """Asks the client's model for the capital of France."""
    return f"the model said: {answer.content.text}"


if __name__ == "__main__":
    server.run()
