"""Small pure helpers that turn MCP messages into event body fields (L2 shim, no I/O).

Era detection, canonical hashes of tool definitions, summaries of server-initiated requests and
of tool results, and a best-effort reading of the id and method of a line too large to parse.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from hardener.canonical import sha256_of
from hardener.redact import Redactor

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.event_bodies import ListedTool, ToolResultFields

META_VERSION: Final = "io.modelcontextprotocol/protocolVersion"
META_CLIENT_INFO: Final = "io.modelcontextprotocol/clientInfo"
META_CLIENT_CAPS: Final = "io.modelcontextprotocol/clientCapabilities"
META_SERVER_INFO: Final = "io.modelcontextprotocol/serverInfo"
#: Protocol versions that removed JSON-RPC batches (2025-03-26 allowed them).
NO_BATCH_VERSIONS: Final = frozenset({"2025-06-18", "2025-11-25", "2026-07-28"})
EXCERPT: Final = 200
TEXT_LIMIT: Final = 64 * 1024

_ID = rb'(-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.){0,256}")'
_HEAD_ID = re.compile(rb'^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*' + _ID)
_TAIL_ID = re.compile(rb'"id"\s*:\s*' + _ID + rb'\s*(?:,\s*"jsonrpc"\s*:\s*"2\.0"\s*)?\}\s*$')
_METHOD = re.compile(
    rb'^\s*\{\s*(?:"(?:jsonrpc|id)"\s*:\s*(?:"[^"]*"|-?\d+)\s*,\s*){0,2}"method"\s*:\s*"([^"\\]{1,200})"'
)


def id_key(value: Any) -> str:
    """A dict key for a JSON-RPC id that keeps ``1`` and ``"1"`` apart."""
    if isinstance(value, str):
        return "s" + value
    if isinstance(value, int) and not isinstance(value, bool):
        return "i" + str(value)
    return "j" + json.dumps(value, sort_keys=True)


def meta_of(params: Any) -> dict[str, Any]:
    if isinstance(params, dict):
        meta = params.get("_meta")
        if isinstance(meta, dict):
            return meta
    return {}


_PARAMS_NAME = re.compile(rb'"params"\s*:\s*\{.*?"name"\s*:\s*"([^"\\]{1,200})"', re.DOTALL)
_IS_ERROR = re.compile(rb'"isError"\s*:\s*true')


def oversized_hints(head: bytes, tail: bytes) -> dict[str, Any]:
    """Best-effort id, method, tool name and isError of a line too large to parse."""
    ident, method = oversized_id_and_method(head, tail)
    hints: dict[str, Any] = {"id": ident, "method": method, "name": None, "is_error": False}
    if method == "tools/call":
        match = _PARAMS_NAME.search(head)
        hints["name"] = match.group(1).decode("utf-8", "replace") if match else None
    hints["is_error"] = _IS_ERROR.search(tail) is not None or _IS_ERROR.search(head) is not None
    return hints


def oversized_id_and_method(head: bytes, tail: bytes) -> tuple[Any, str | None]:
    """Id and method of a line too large to parse, read from its first and last bytes."""
    ident: Any = None
    match = _HEAD_ID.match(head) or _TAIL_ID.search(tail)
    if match:
        try:
            ident = json.loads(match.group(1))
        except ValueError:
            ident = None
    method_match = _METHOD.match(head)
    return ident, method_match.group(1).decode("utf-8", "replace") if method_match else None


def tool_entry(tool: dict[str, Any], redactor: Redactor) -> ListedTool:
    """One tool of a ``tools/list`` result: its definition (descriptions kept) and hash."""
    entry: ListedTool = {"name": tool.get("name"), "hash": sha256_of(tool)}

    def text(value: str) -> str:
        if len(value) <= TEXT_LIMIT:
            return redactor.redact_text(value)
        return redactor.marker("oversized", value)

    def definition(key: str) -> Any:
        return redactor.redact(tool[key], fingerprints=False).value

    if isinstance(tool.get("title"), str):
        entry["title"] = text(tool["title"])
    if isinstance(tool.get("description"), str):
        entry["description"] = text(tool["description"])
    if "inputSchema" in tool:
        entry["inputSchema"] = definition("inputSchema")
    if "outputSchema" in tool:
        entry["outputSchema"] = definition("outputSchema")
    if "annotations" in tool:
        entry["annotations"] = definition("annotations")
    if "execution" in tool:
        entry["execution"] = definition("execution")
    if "_meta" in tool:
        entry["_meta"] = definition("_meta")
    return entry


def server_request_summary(method: str, params: Any, redactor: Redactor) -> dict[str, Any]:
    """What a sampling / elicitation / roots request asks for (redacted)."""
    p = params if isinstance(params, dict) else {}
    summary: dict[str, object] = {}
    if method == "sampling/createMessage":
        raw = p.get("messages")
        messages: list[object] = raw if isinstance(raw, list) else []
        summary["messages"] = len(messages)
        for key in ("maxTokens", "includeContext", "temperature"):
            if key in p:
                summary[key] = p[key]
        if isinstance(p.get("systemPrompt"), str):
            summary["systemPrompt"] = excerpt(p["systemPrompt"], redactor)
        texts = [
            m["content"]["text"]
            for m in messages
            if isinstance(m, dict)
            and isinstance(m.get("content"), dict)
            and isinstance(m["content"].get("text"), str)
        ]
        if texts:
            summary["last_text"] = excerpt(texts[-1], redactor)
        if isinstance(p.get("tools"), list):
            summary["tools"] = [t.get("name") for t in p["tools"] if isinstance(t, dict)]
    elif method == "elicitation/create":
        summary["mode"] = p.get("mode", "form")
        if isinstance(p.get("message"), str):
            summary["message"] = excerpt(p["message"], redactor)
        if isinstance(p.get("url"), str):
            summary["url"] = redactor.redact_text(p["url"])
        schema = p.get("requestedSchema")
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            summary["fields"] = sorted(schema["properties"])
    return summary


def excerpt(text: str, redactor: Redactor, found: set[str] | None = None) -> str:
    """The first :data:`EXCERPT` characters of ``text`` after redaction of the whole text."""
    if len(text) > TEXT_LIMIT:
        if found is not None:
            found.add("oversized")
        return redactor.marker("oversized", text)
    redacted = redactor.redact_text(text, found)
    return redacted if len(redacted) <= EXCERPT else redacted[:EXCERPT] + "…"


def result_fields(result: object, redactor: Redactor) -> ToolResultFields:
    """Status-independent fields of a ``tools/call`` result: isError, content types, excerpt."""
    fields: ToolResultFields = {}
    if not isinstance(result, dict):
        return fields
    fields["is_error"] = result.get("isError") is True
    content = result.get("content")
    if isinstance(content, list):
        fields["content_types"] = sorted(
            {str(c.get("type")) for c in content if isinstance(c, dict)}
        )
        found: set[str] = set()
        texts = [
            c["text"] for c in content if isinstance(c, dict) and isinstance(c.get("text"), str)
        ]
        excerpts = [excerpt(t, redactor, found) for t in texts]
        if excerpts:
            fields["result_excerpt"] = excerpts[0]
        if found - {"oversized"}:
            fields["secrets"] = sorted(found - {"oversized"})
    if "structuredContent" in result:
        fields["structured"] = True
    task = result.get("task")
    if isinstance(task, dict) and "taskId" in task:  # 2025-11-25 CreateTaskResult
        fields["task_id"] = task["taskId"]
        fields["task_status"] = task.get("status")
    elif result.get("resultType") == "task" and "taskId" in result:  # 2026 tasks extension
        fields["task_id"] = result["taskId"]
        fields["task_status"] = result.get("status")
    return fields


def traceparent_of(params: object) -> str | None:
    value = meta_of(params).get("traceparent")
    return value if isinstance(value, str) and len(value) < 256 else None
