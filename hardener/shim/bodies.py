"""Event bodies for server answers: tool results, tool lists, input requests (L2 shim, pure).

Split out of :mod:`hardener.shim.tracker`, which keeps the session state (pending requests, era)
and decides *when* an event is due; these functions only build *what* it says, from the message,
the matched request and the redactor.
"""

from __future__ import annotations

from typing import Any

from hardener.canonical import sha256_of
from hardener.redact import Redactor
from hardener.shim import summaries as s

TYPE_CHECKING = False  # the body types are for mypy: typing's TypedDict machinery stays unloaded
if TYPE_CHECKING:
    from hardener.event_bodies import (
        InReplyTo,
        PolicyDenyBody,
        ServerRequestBody,
        ToolCallBody,
        ToolResultBody,
        ToolResultFields,
        ToolsListBody,
    )


def _what(method: object) -> Any:
    """``policy.deny``'s ``what`` for a denied input request: its method's first part."""
    return str(method).split("/", maxsplit=1)[0]


def tool_call(
    msg: dict[str, Any],
    params: dict[str, Any],
    size: int,
    note: dict[str, Any] | None,
    redactor: Redactor,
) -> ToolCallBody:
    """The ``tool.call`` body: redacted arguments, fingerprints, trace and retry context."""
    tool = params.get("name") if isinstance(params.get("name"), str) else None
    redaction = redactor.redact(params.get("arguments") if "arguments" in params else {})
    body: ToolCallBody = {
        "id": msg.get("id"),
        "tool": tool,
        "arguments": redaction.value,
        "fingerprints": redaction.fingerprints,
        "size_bytes": size,
    }
    if redaction.found:
        body["secrets"] = redaction.found
    if (trace := s.traceparent_of(params)) is not None:
        body["traceparent"] = trace
    if isinstance(params.get("task"), dict):
        body["task"] = True
    if "requestState" in params or "inputResponses" in params:
        body["retry"] = True
        if isinstance(params.get("inputResponses"), dict):
            body["input_responses"] = sorted(params["inputResponses"])
    if note and note.get("would_deny"):
        body["would_deny"] = note["would_deny"]
    return body


def denied_call(
    ident: Any, tool: str | None, note: dict[str, Any]
) -> list[tuple[str, PolicyDenyBody | ToolResultBody]]:
    """``policy.deny`` and the ``tool.result`` (denied) for a call the shim answered itself."""
    deny: PolicyDenyBody = {
        "what": note.get("what", "tool"),
        "name": tool,
        "rule": note.get("rule"),
        "id": ident,
    }
    result: ToolResultBody = {
        "id": ident,
        "tool": tool,
        "status": "denied",
        "duration_ms": 0.0,
        "error_code": note.get("code"),
    }
    return [("policy.deny", deny), ("tool.result", result)]


def tool_result(
    msg: dict[str, object],
    base: ToolResultFields,
    note: dict[str, object] | None,
    redactor: Redactor,
) -> ToolResultBody:
    """The ``tool.result`` body for the answer ``msg``; ``base`` has id, tool, duration, size."""
    error = msg.get("error")
    if isinstance(error, dict) or "result" not in msg:
        body: ToolResultBody = {**base, "status": "error"}
        if isinstance(error, dict):
            body["error_code"] = error.get("code")
            if isinstance(error.get("message"), str):
                body["error_message"] = s.excerpt(error["message"], redactor)
        return body
    result = msg["result"]
    fields = s.result_fields(result, redactor)
    result_type = result.get("resultType") if isinstance(result, dict) else None
    if result_type == "input_required":
        body = {**base, **fields, "status": "input_required"}
    else:
        body = {**base, **fields, "status": "error" if fields.get("is_error") else "ok"}
    if isinstance(result_type, str) and result_type not in ("complete", "input_required"):
        body["result_type"] = result_type  # e.g. "task" (tasks extension)
    if note and note.get("replaced"):
        body["replaced_by_policy"] = True
    return body


def tools_list(
    result: dict[str, Any],
    instructions: str | None,
    note: dict[str, Any] | None,
    redactor: Redactor,
) -> ToolsListBody:
    """The ``tools.list`` body: each definition with its hash, and a hash of the whole list."""
    tools = [s.tool_entry(t, redactor) for t in result["tools"] if isinstance(t, dict)]
    body: ToolsListBody = {
        "tools": tools,
        "server_hash": sha256_of(sorted((str(t["name"]), t["hash"]) for t in tools)),
    }
    if isinstance(result.get("nextCursor"), str):
        body["next_cursor"] = result["nextCursor"]
    if instructions is not None:
        body["instructions_hash"] = sha256_of(instructions)
    if note and note.get("hidden"):
        body["hidden"] = note["hidden"]
    return body


def input_requests(
    result: dict[str, Any],
    in_reply_to: InReplyTo,
    note: dict[str, Any] | None,
    redactor: Redactor,
) -> list[tuple[str, ServerRequestBody | PolicyDenyBody]]:
    """``server.request`` (and ``policy.deny``) events for the ``inputRequests`` of a 2026 result."""
    out: list[tuple[str, ServerRequestBody | PolicyDenyBody]] = []
    requests = result.get("inputRequests")
    denied = (note or {}).get("denied_inputs", {})
    if not isinstance(requests, dict):
        return out
    for key, request in requests.items():
        method = request.get("method") if isinstance(request, dict) else None
        params = request.get("params") if isinstance(request, dict) else None
        body: ServerRequestBody = {
            "method": method,
            "via": "input_required",
            "id": key,
            "in_reply_to": in_reply_to,
            "summary": s.server_request_summary(str(method), params, redactor),
            "decision": "denied" if key in denied else "forwarded",
        }
        out.append(("server.request", body))
        if key in denied:
            deny: PolicyDenyBody = {
                "what": _what(method),
                "name": method,
                "rule": denied[key],
                "id": key,
            }
            out.append(("policy.deny", deny))
    return out
