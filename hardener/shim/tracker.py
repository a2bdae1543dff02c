"""The shim's view of one MCP session: messages in, event bodies out (L2 shim, no I/O).

:class:`SessionTracker` receives every parsed message with its direction (``c2s`` client→server,
``s2c`` server→client) and returns the events it implies: ``tool.call`` / ``tool.result`` pairs
matched by request id, ``tools.list``, ``server.request`` (legacy server→client requests and the
``inputRequests`` of 2026-07-28 ``input_required`` results), ``resource.read``, ``prompt.get``,
``protocol.anomaly``. It learns the protocol era from the traffic: ``initialize`` (up to
2025-11-25) or the ``_meta`` keys of 2026-07-28. ``session.start`` is emitted once the handshake
answer is in (or before any other event, or at the end), so it carries clientInfo and serverInfo.
Whatever it does not understand passes without an event. The clock is injected.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from hardener.canonical import sha256_of
from hardener.redact import Redactor
from hardener.shim import bodies
from hardener.shim import summaries as s
from hardener.shim.gate import SERVER_REQUEST_METHODS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.event_bodies import (
        InReplyTo,
        PromptGetBody,
        RequestId,
        ResourceReadBody,
        ToolResultFields,
    )

Event = tuple[str, Mapping[str, object]]


@dataclass
class _Pending:
    method: str
    started: float
    ident: object = None
    tool: str | None = None
    era_probe: str | None = None  # protocol version this request asserted
    task: bool = False
    paged: bool = False  # tools/list with a cursor: one page of the list


@dataclass
class SessionTracker:
    redactor: Redactor
    start_body: dict[str, object]
    clock: Callable[[], float] = time.monotonic
    era: str | None = None
    version: str | None = None
    client_info: object = None
    client_capabilities: object = None
    server_info: object = None
    server_capabilities: object = None
    instructions: str | None = None
    started: bool = False
    counts: dict[str, int] = field(
        default_factory=lambda: {"c2s": 0, "s2c": 0, "anomalies": 0, "tool_calls": 0}
    )
    _pending: dict[str, _Pending] = field(default_factory=dict)
    _tasks: dict[str, str] = field(default_factory=dict)  # task id -> tool
    _t0: float = 0.0
    #: Called with (tools, server instructions, complete) for every ``tools/list`` result; the
    #: shim uses it to update the pin store (``hardener.pins``). Must not raise.
    on_tools_list: Callable[[list[dict[str, object]], str | None, bool], None] | None = None

    def __post_init__(self) -> None:
        self._t0 = self.clock()

    # --- entry points ---------------------------------------------------------------------
    def message(
        self,
        direction: str,
        msg: object,
        size: int,
        at: float | None = None,
        note: dict[str, object] | None = None,
    ) -> list[Event]:
        """Events for one parsed line (a message or a batch)."""
        at = self.clock() if at is None else at
        out: list[Event] = []
        if isinstance(msg, list):
            if self.version in s.NO_BATCH_VERSIONS:
                out += self.anomaly(direction, "batch_not_allowed", size=size)
            for item in msg:
                out += self._one(direction, item, size, at, note)
            return out
        return self._one(direction, msg, size, at, note)

    def anomaly(
        self,
        direction: str,
        problem: str,
        *,
        size: int = 0,
        blake3: str | None = None,
        raw: bytes | None = None,
    ) -> list[Event]:
        self.counts["anomalies"] += 1
        body: dict[str, object] = {"direction": direction, "problem": problem, "size_bytes": size}
        if blake3:
            body["blake3"] = blake3
        if raw is not None:
            body["excerpt"] = s.excerpt(raw[:4096].decode("utf-8", "replace"), self.redactor)
        return self._emit("protocol.anomaly", body)

    def oversized(
        self, direction: str, *, hints: dict[str, object], size: int, blake3: str, at: float
    ) -> list[Event]:
        """A line too large to parse (``parsed: false``): what its first and last bytes tell."""
        ident, method = hints.get("id"), hints.get("method")
        key = s.id_key(ident) if ident is not None else None
        if direction == "s2c" and key is not None and key in self._pending and method is None:
            pending = self._pending.pop(key)
            if pending.method == "tools/call":
                body = {
                    "id": ident,
                    "tool": pending.tool,
                    "status": "error" if hints.get("is_error") else "ok",
                    "is_error": bool(hints.get("is_error")),
                    "duration_ms": _ms(at - pending.started),
                    "size_bytes": size,
                    "blake3": blake3,
                    "parsed": False,
                }
                return self._emit("tool.result", body)
            return []
        if direction == "c2s" and method == "tools/call":
            self.counts["tool_calls"] += 1
            name = hints.get("name")  # str or None (summaries.oversized_hints)
            tool = name if isinstance(name, str) else None
            if ident is not None:
                self._pending[s.id_key(ident)] = _Pending("tools/call", at, ident, tool)
            body = {
                "id": ident,
                "tool": tool,
                "size_bytes": size,
                "blake3": blake3,
                "parsed": False,
            }
            return self._emit("tool.call", body)
        return self.anomaly(direction, "oversized_unparsed", size=size, blake3=blake3)

    def finish(
        self, reason: str, exit_code: int | None, extra: Mapping[str, object] | None = None
    ) -> list[Event]:
        """Events that close the session: no-response results, then ``session.end``."""
        out: list[Event] = []
        for pending in list(self._pending.values()):
            if pending.method == "tools/call":
                out += self._emit(
                    "tool.result",
                    {
                        "id": pending.ident,
                        "tool": pending.tool,
                        "status": "no-response",
                        "duration_ms": _ms(self.clock() - pending.started),
                    },
                )
        self._pending.clear()
        body = {
            "reason": reason,
            "exit_code": exit_code,
            "duration_ms": _ms(self.clock() - self._t0),
            "counts": dict(self.counts),
            **(extra or {}),
        }
        return out + self._emit("session.end", body)

    def ensure_started(self) -> list[Event]:
        if self.started:
            return []
        self.started = True
        body = dict(self.start_body)
        body.update(
            {
                "protocol_era": self.era,
                "protocol_version": self.version,
                "client_info": self.client_info,
                "server_info": self.server_info,
                "capabilities": {
                    "client": self.client_capabilities,
                    "server": self.server_capabilities,
                },
            }
        )
        if self.instructions is not None:
            body["instructions"] = s.excerpt(self.instructions, self.redactor)
            body["instructions_hash"] = sha256_of(self.instructions)
        return [("session.start", {k: v for k, v in body.items() if v is not None})]

    def _emit(self, kind: str, body: Mapping[str, object]) -> list[Event]:
        if self.started:
            return [(kind, body)]
        return [*self.ensure_started(), (kind, body)]

    # --- dispatch -------------------------------------------------------------------------
    def _one(
        self, direction: str, msg: object, size: int, at: float, note: dict[str, object] | None
    ) -> list[Event]:
        if not isinstance(msg, dict):
            return self.anomaly(direction, "not_an_object", size=size)
        self.counts[direction] += 1
        method = msg.get("method")
        if isinstance(method, str):
            if "id" in msg:
                return self._request(direction, msg, method, size=size, at=at, note=note)
            return self._notification(direction, msg, method, at)
        if "result" in msg or "error" in msg:
            if direction == "s2c":
                return self._response(msg, size, at, note)
            return []
        if msg.get("jsonrpc") != "2.0":
            return self.anomaly(direction, "not_jsonrpc", size=size)
        return []

    def _request(
        self,
        direction: str,
        msg: dict[str, object],
        method: str,
        *,
        size: int,
        at: float,
        note: dict[str, object] | None,
    ) -> list[Event]:
        params = msg.get("params")
        ident = msg.get("id")
        if direction == "s2c":
            if method in SERVER_REQUEST_METHODS:
                denied = bool(note and note.get("denied"))
                body = {
                    "method": method,
                    "via": "request",
                    "id": ident,
                    "summary": s.server_request_summary(method, params, self.redactor),
                    "decision": "denied" if denied else "forwarded",
                }
                emitted = self._emit("server.request", body)
                if denied and note:
                    emitted += self._emit(
                        "policy.deny",
                        {
                            "what": method.split("/", maxsplit=1)[0],
                            "name": method,
                            "rule": note.get("rule"),
                            "id": ident,
                        },
                    )
                return emitted
            return []
        meta = s.meta_of(params)
        pending = _Pending(method, at)
        if method == "initialize" and isinstance(params, dict):
            self.era = "2025"
            self.version = (
                params.get("protocolVersion")
                if isinstance(params.get("protocolVersion"), str)
                else None
            )
            self.client_info = params.get("clientInfo")
            self.client_capabilities = params.get("capabilities")
        elif isinstance(probe := meta.get(s.META_VERSION), str):
            pending.era_probe = probe
            if self.era != "2025":
                self.client_info = meta.get(s.META_CLIENT_INFO, self.client_info)
                self.client_capabilities = meta.get(s.META_CLIENT_CAPS, self.client_capabilities)
        out: list[Event] = []
        p = params if isinstance(params, dict) else {}
        if method == "tools/call":
            out += self._tool_call(msg, p, pending, size, note)
        elif method == "tools/list":
            pending.paged = isinstance(p.get("cursor"), str)
        elif method == "tasks/result" and isinstance(p.get("taskId"), str):
            pending.tool = self._tasks.get(p["taskId"])
            pending.method = "tasks/result"
        elif method in ("resources/read", "prompts/get"):
            read: ResourceReadBody | PromptGetBody
            if method == "resources/read":
                read = {
                    "id": _request_id(ident),
                    "uri": self.redactor.redact_text(str(p.get("uri", ""))),
                }
            else:
                arguments = p.get("arguments") or {}
                read = {
                    "id": _request_id(ident),
                    "name": p.get("name"),
                    "arguments": self.redactor.redact(arguments, fingerprints=False).value,
                }
            if (trace := s.traceparent_of(params)) is not None:
                read["traceparent"] = trace
            kind = "resource.read" if method == "resources/read" else "prompt.get"
            out += self._emit(kind, read)
        if not (note and note.get("denied")):
            pending.ident = ident
            self._pending[s.id_key(ident)] = pending
        return out

    def _tool_call(
        self,
        msg: dict[str, object],
        p: dict[str, object],
        pending: _Pending,
        size: int,
        note: dict[str, object] | None,
    ) -> list[Event]:
        self.counts["tool_calls"] += 1
        name = p.get("name")
        tool = name if isinstance(name, str) else None
        pending.tool = tool
        pending.task = isinstance(p.get("task"), dict)
        body = bodies.tool_call(msg, p, size, note, self.redactor)
        out = self._emit("tool.call", body)
        if note and note.get("denied"):
            for kind, denied in bodies.denied_call(msg.get("id"), tool, note):
                out += self._emit(kind, denied)
        return out

    def _notification(
        self, direction: str, msg: dict[str, object], method: str, at: float
    ) -> list[Event]:
        if direction == "c2s" and method == "notifications/cancelled":
            raw = msg.get("params")
            params: dict[str, object] = raw if isinstance(raw, dict) else {}
            key = s.id_key(params.get("requestId"))
            pending = self._pending.get(key)
            if pending is not None and pending.method == "tools/call":
                del self._pending[key]
                return self._emit(
                    "tool.result",
                    {
                        "id": params.get("requestId"),
                        "tool": pending.tool,
                        "status": "cancelled",
                        "duration_ms": _ms(at - pending.started),
                    },
                )
        return []

    def _response(
        self, msg: dict[str, object], size: int, at: float, note: dict[str, object] | None
    ) -> list[Event]:
        pending = self._pending.pop(s.id_key(msg.get("id")), None)
        if pending is None:
            return []
        result = msg.get("result")
        ok = "result" in msg and isinstance(result, dict)
        out: list[Event] = []
        if pending.method == "initialize" and ok:
            assert isinstance(result, dict)
            self.era = "2025"
            self.version = result.get("protocolVersion", self.version)
            self.server_info = result.get("serverInfo")
            self.server_capabilities = result.get("capabilities")
            if isinstance(result.get("instructions"), str):
                self.instructions = result["instructions"]
            return self.ensure_started()
        if pending.era_probe and ok and self.era != "2025":
            assert isinstance(result, dict)
            self.era, self.version = "2026", pending.era_probe
            info = s.meta_of(result).get(s.META_SERVER_INFO)
            if info is not None:
                self.server_info = info
            if pending.method == "server/discover":
                self.server_capabilities = result.get("capabilities")
                if isinstance(result.get("instructions"), str):
                    self.instructions = result["instructions"]
            out += self.ensure_started()
        if ok and isinstance(result, dict) and isinstance(result.get("inputRequests"), dict):
            # input_required results, and the tasks extension's task status carrying requests
            out += self._input_required(msg, result, pending, note)
        if pending.method in ("tools/call", "tasks/result"):
            out += self._tool_result(msg, pending, size, at, note)
        elif (
            pending.method == "tools/list"
            and ok
            and isinstance(result, dict)
            and isinstance(result.get("tools"), list)
        ):
            out += self._tools_list(result, note)
            if self.on_tools_list is not None:
                tools = [t for t in result["tools"] if isinstance(t, dict)]
                complete = not pending.paged and not isinstance(result.get("nextCursor"), str)
                self.on_tools_list(tools, self.instructions, complete)
        return out

    def _input_required(
        self,
        msg: dict[str, object],
        result: dict[str, object],
        pending: _Pending,
        note: dict[str, object] | None,
    ) -> list[Event]:
        in_reply_to: InReplyTo = {
            "id": _request_id(msg.get("id")),
            "method": pending.method,
            "tool": pending.tool,
        }
        out: list[Event] = []
        for kind, body in bodies.input_requests(result, in_reply_to, note, self.redactor):
            out += self._emit(kind, body)
        return out

    def _tool_result(
        self,
        msg: dict[str, object],
        pending: _Pending,
        size: int,
        at: float,
        note: dict[str, object] | None,
    ) -> list[Event]:
        base: ToolResultFields = {
            "id": _request_id(msg.get("id")),
            "tool": pending.tool,
            "duration_ms": _ms(at - pending.started),
            "size_bytes": size,
        }
        if pending.method == "tasks/result":
            base["via"] = "tasks/result"
        body = bodies.tool_result(msg, base, note, self.redactor)
        if "task_id" in body:
            self._tasks[str(body["task_id"])] = pending.tool or ""
        return self._emit("tool.result", body)

    def _tools_list(self, result: dict[str, object], note: dict[str, object] | None) -> list[Event]:
        return self._emit(
            "tools.list", bodies.tools_list(result, self.instructions, note, self.redactor)
        )


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _request_id(value: object) -> RequestId:
    """A JSON-RPC id as the message carries it, unchecked: a malformed id is recorded as sent."""
    return value  # type: ignore[return-value]  # deliberately unchecked: ids are evidence
