"""A loopback stand-in for the Anthropic Messages API, so the real Claude Code CLI runs offline.

Claude Code cannot reach a model here, but everything else it does is real: it starts the MCP
servers of its config (through the shim), runs its hooks with the JSON it really sends, calls the
MCP tool and feeds the result back. This server plays the model's part with a fixed script: when
the request offers ``tool`` and carries no tool result yet, it answers with one ``tool_use`` of
``tool`` with ``arguments``; otherwise it answers "done". Streaming (SSE) and plain answers.
Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.loopback_http import LoopbackHTTP


class AnthropicStandIn(LoopbackHTTP):
    def __init__(self, tool: str, arguments: dict[str, Any]) -> None:
        self.tool = tool
        self.arguments = arguments
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, data: bytes, kind: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._send(200, b"{}")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if "count_tokens" in self.path:
                    self._send(200, b'{"input_tokens": 10}')
                    return
                if not self.path.startswith("/v1/messages"):
                    self._send(404, b"{}")
                    return
                request = json.loads(body)
                outer.requests.append(request)
                self._answer(request)

            def _answer(self, request: dict[str, Any]) -> None:
                blocks, stop = outer.reply(request)
                message = {
                    "id": f"msg_{len(outer.requests)}",
                    "type": "message",
                    "role": "assistant",
                    "model": request.get("model", "claude"),
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {"input_tokens": 10, "output_tokens": 1},
                }
                if not request.get("stream"):
                    message.update(content=blocks, stop_reason=stop)
                    self._send(200, json.dumps(message).encode())
                    return
                events: list[tuple[str, dict[str, Any]]] = [
                    ("message_start", {"type": "message_start", "message": message})
                ]
                for index, block in enumerate(blocks):
                    if block["type"] == "tool_use":
                        start = {**block, "input": {}}
                        delta = {
                            "type": "input_json_delta",
                            "partial_json": json.dumps(block["input"]),
                        }
                    else:
                        start = {**block, "text": ""}
                        delta = {"type": "text_delta", "text": block["text"]}
                    events += [
                        (
                            "content_block_start",
                            {"type": "content_block_start", "index": index, "content_block": start},
                        ),
                        (
                            "content_block_delta",
                            {"type": "content_block_delta", "index": index, "delta": delta},
                        ),
                        ("content_block_stop", {"type": "content_block_stop", "index": index}),
                    ]
                events += [
                    (
                        "message_delta",
                        {
                            "type": "message_delta",
                            "delta": {"stop_reason": stop, "stop_sequence": None},
                            "usage": {"output_tokens": 5},
                        },
                    ),
                    ("message_stop", {"type": "message_stop"}),
                ]
                data = b"".join(
                    f"event: {name}\ndata: {json.dumps(doc)}\n\n".encode() for name, doc in events
                )
                self._send(200, data, "text/event-stream")

        self.serve(Handler)

    def reply(self, request: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
        offered = {t.get("name") for t in request.get("tools", [])}
        last = (request.get("messages") or [{}])[-1]
        content = last.get("content")
        answered = isinstance(content, list) and any(
            isinstance(c, dict) and c.get("type") == "tool_result" for c in content
        )
        if self.tool in offered and not answered:
            block = {
                "type": "tool_use",
                "id": f"toolu_{len(self.requests):02d}hardener",
                "name": self.tool,
                "input": self.arguments,
            }
            return [block], "tool_use"
        return [{"type": "text", "text": "done"}], "end_turn"
