"""OTLP export: sealed records as OpenTelemetry logs, spans and metrics over OTLP/HTTP JSON (L2).

Why OTLP/HTTP with JSON encoding over ``httpx`` rather than ``opentelemetry-sdk`` and its OTLP
exporter: ``httpx`` is already a dependency (the shim's bridge), so the daemon gains no package
and no background thread; the SDK's batch processors export asynchronously and drop on failure,
while a ledger export must know that a batch was accepted before it moves its resume point
(``export-state.json``), and must stamp each span with the time the shim saw the call, not the
time of export. The payloads are the OTLP protobuf messages in their canonical JSON mapping
(``opentelemetry-proto``; the tests parse them with it, unknown fields rejected).

What is sent, per sealed record (``schemas/log-export-record.schema.json`` is the record):

- **logs** (``/v1/logs``): one log record per ledger record; ``body`` is the export record (JSON
  text, exactly what the JSON-lines target writes), attributes ``hardener.ledger.seq``,
  ``.hash``, ``.prev``, ``.log_id``, ``.epoch``, ``hardener.event.kind`` and, for tool events,
  the MCP attributes below; tool events carry the trace and span id of their span.
- **traces** (``/v1/traces``): one CLIENT span per ``tool.result`` (the shim's view of a
  ``tools/call``), following the OpenTelemetry semantic conventions for MCP (Development status,
  semantic-conventions-genai ``docs/gen-ai/mcp.md``): name ``tools/call {tool}``,
  ``mcp.method.name``, ``gen_ai.operation.name = execute_tool``, ``gen_ai.tool.name``,
  ``mcp.session.id`` (the shim session), ``mcp.protocol.version``, ``jsonrpc.request.id``,
  ``network.transport`` (``pipe`` for stdio, ``tcp`` for the bridge), ``error.type``
  (``tool_error`` for ``isError`` results, the JSON-RPC code otherwise) and
  ``rpc.response.status_code``; start = result time minus ``duration_ms``. The trace id is the
  one of the call's W3C ``traceparent`` when the client sent one, else derived from the ledger
  id and the session (one trace per session); the span id from the ledger id and seq.
- **metrics** (``/v1/metrics``): histogram ``mcp.client.operation.duration`` (unit ``s``, the
  conventions' buckets), one delta point per call.

Each signal is its own export target with its own resume point (see
:mod:`hardener.export.targets`), so a collector that refuses traces never makes logs repeat.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime

import httpx

from hardener._version import __version__
from hardener.export.records import export_record
from hardener.export.syslog import ExportError
from hardener.ledger.chain.record import Record, line_hash
from hardener.settings import ExportTarget

SIGNALS = ("logs", "traces", "metrics")
PATHS = {"logs": "/v1/logs", "traces": "/v1/traces", "metrics": "/v1/metrics"}
SPAN_KIND_CLIENT = 3
STATUS_ERROR = 2
DELTA = 1
#: Buckets the MCP conventions recommend for the operation-duration histograms (seconds).
BOUNDS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
SCOPE = {"name": "hardener.export.otlp", "version": __version__}
_SEVERITY = {"low": (9, "INFO"), "medium": (13, "WARN"), "high": (17, "ERROR")}


def expand(spec: ExportTarget) -> list[ExportTarget]:
    """One export target per signal for an ``otlp`` target; other targets unchanged."""
    if spec["type"] != "otlp":
        return [spec]
    return [{**spec, "signal": signal} for signal in SIGNALS]


def _nanos(ts: object) -> int | None:
    if not isinstance(ts, str):
        return None
    try:
        moment = datetime.fromisoformat(ts)
    except ValueError:
        return None
    return int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000


def value(item: object) -> dict[str, object]:
    """An OTLP ``AnyValue`` in its JSON mapping."""
    if isinstance(item, bool):
        return {"boolValue": item}
    if isinstance(item, int):
        return {"intValue": str(item)}
    if isinstance(item, float):
        return {"doubleValue": item}
    if isinstance(item, str):
        return {"stringValue": item}
    return {"stringValue": json.dumps(item, separators=(",", ":"), ensure_ascii=False)}


def attributes(pairs: dict[str, object]) -> list[dict[str, object]]:
    return [{"key": k, "value": value(v)} for k, v in pairs.items() if v is not None]


def _hex(*parts: str, size: int) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[: size * 2]


Event = Mapping[str, object]


def _event(record: Record) -> Event | None:
    """The sealed event envelope of ``record`` (with an object body), or None."""
    try:
        body = record.body_json()
    except ValueError:
        return None
    event = body.get("event")
    return event if isinstance(event, dict) and isinstance(event.get("body"), dict) else None


def _body(event: Event) -> Mapping[str, object]:
    body = event.get("body")
    return body if isinstance(body, Mapping) else {}


class Sessions:
    """What earlier records said that later spans need (session transport, version, trace)."""

    def __init__(self) -> None:
        self.version: dict[str, str] = {}
        self.transport: dict[str, str] = {}
        self.traceparent: dict[str, str] = {}

    def learn(self, event: Event) -> None:
        session = str(event.get("session", ""))
        body = _body(event)
        version, transport, trace = (
            body.get(k) for k in ("protocol_version", "transport", "traceparent")
        )
        if event.get("kind") == "session.start":
            if isinstance(version, str):
                self.version[session] = version
            if isinstance(transport, str):
                self.transport[session] = transport
        elif event.get("kind") == "tool.call" and isinstance(trace, str):
            self.traceparent[f"{session}\x1f{body.get('id')}"] = trace
            if len(self.traceparent) > 10_000:
                del self.traceparent[next(iter(self.traceparent))]


def mcp_attributes(event: Event, sessions: Sessions) -> dict[str, object]:
    body = _body(event)
    session = str(event.get("session", ""))
    tool = body.get("tool") if isinstance(body.get("tool"), str) else None
    transport = sessions.transport.get(session)
    attrs: dict[str, object] = {
        "mcp.method.name": "tools/call",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": tool,
        "mcp.session.id": session,
        "mcp.protocol.version": sessions.version.get(session),
        "network.transport": {"stdio": "pipe", "bridge": "tcp"}.get(transport or ""),
        "hardener.client": event.get("client"),
        "hardener.server": event.get("server"),
    }
    if "id" in body and body["id"] is not None:
        attrs["jsonrpc.request.id"] = str(body["id"])
    if event.get("kind") in ("hook.call", "hook.result"):
        attrs["mcp.session.id"] = body.get("client_session")
        attrs["hardener.sensor"] = "hook"
        attrs["jsonrpc.request.id"] = body.get("call_id")
    return attrs


def _error_type(body: Mapping[str, object]) -> str | None:
    if body.get("is_error") is True:
        return "tool_error"
    if body.get("error_code") is not None:
        return str(body["error_code"])
    status = body.get("status")
    return None if status in (None, "ok", "input_required") else str(status)


def _ids(record: Record, event: Event, sessions: Sessions) -> tuple[str, str, str | None]:
    """(trace id, span id, parent span id) of the span for this call."""
    session = str(event.get("session", ""))
    key = f"{session}\x1f{_body(event).get('id')}"
    parent = sessions.traceparent.get(key)
    if parent and parent.count("-") == 3:
        _, trace, span, _ = parent.split("-")
        if len(trace) == 32 and len(span) == 16:
            return trace, _hex(record.log_id, session, key, size=8), span
    return (
        _hex(record.log_id, session, size=16),
        _hex(record.log_id, session, key, size=8),
        None,
    )


def log_record(record: Record, sessions: Sessions) -> dict[str, object]:
    export = export_record(record)
    event = _event(record)
    attrs: dict[str, object] = {
        "hardener.ledger.seq": record.seq,
        "hardener.ledger.hash": export["hash"],
        "hardener.ledger.prev": record.prev,
        "hardener.ledger.log_id": record.log_id,
        "hardener.ledger.epoch": record.epoch,
        "hardener.event.kind": record.kind,
    }
    number, text = 9, "INFO"
    out: dict[str, object] = {}
    if event is not None:
        kind = event.get("kind")
        if kind in ("tool.call", "tool.result", "hook.call", "hook.result"):
            attrs.update(mcp_attributes(event, sessions))
        if kind in ("tool.call", "tool.result"):
            trace, span, _ = _ids(record, event, sessions)
            out.update(traceId=trace, spanId=span)
        severity = _body(event).get("severity")
        if kind == "alert" and isinstance(severity, str):
            number, text = _SEVERITY.get(severity, (21, "FATAL"))
    when = _nanos(event.get("ts")) if event else None
    observed = _nanos(record.ts) or 0
    out.update(
        timeUnixNano=str(when or observed),
        observedTimeUnixNano=str(observed),
        severityNumber=number,
        severityText=text,
        body={"stringValue": json.dumps(export, separators=(",", ":"), ensure_ascii=False)},
        attributes=attributes(attrs),
    )
    return out


def span(record: Record, event: Event, sessions: Sessions) -> dict[str, object]:
    body = _body(event)
    end = _nanos(event.get("ts")) or _nanos(record.ts) or 0
    duration = body.get("duration_ms")
    millis = float(duration) if isinstance(duration, int | float) else 0.0
    start = end - int(millis * 1_000_000)
    trace, span_id, parent = _ids(record, event, sessions)
    attrs = mcp_attributes(event, sessions)
    error = _error_type(body)
    attrs["error.type"] = error
    if body.get("error_code") is not None:
        attrs["rpc.response.status_code"] = str(body["error_code"])
    attrs["hardener.status"] = body.get("status")
    attrs["hardener.ledger.seq"] = record.seq
    attrs["hardener.ledger.hash"] = line_hash(record.line)
    out: dict[str, object] = {
        "traceId": trace,
        "spanId": span_id,
        "name": f"tools/call {body['tool']}" if isinstance(body.get("tool"), str) else "tools/call",
        "kind": SPAN_KIND_CLIENT,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(end),
        "attributes": attributes(attrs),
    }
    if parent:
        out["parentSpanId"] = parent
    if error:
        message = body.get("error_message")
        out["status"] = {"code": STATUS_ERROR, "message": str(message or error)}
    return out


def duration_point(record: Record, event: Event, sessions: Sessions) -> dict[str, object]:
    body = _body(event)
    end = _nanos(event.get("ts")) or _nanos(record.ts) or 0
    duration = body.get("duration_ms")
    seconds = float(duration) / 1000 if isinstance(duration, int | float) else 0.0
    counts = [0] * (len(BOUNDS) + 1)
    counts[next((i for i, b in enumerate(BOUNDS) if seconds <= b), len(BOUNDS))] = 1
    keep = ("mcp.method.name", "gen_ai.tool.name", "gen_ai.operation.name")
    attrs = {k: v for k, v in mcp_attributes(event, sessions).items() if k in keep}
    attrs["network.transport"] = mcp_attributes(event, sessions).get("network.transport")
    attrs["mcp.protocol.version"] = sessions.version.get(str(event.get("session", "")))
    attrs["error.type"] = _error_type(body)
    return {
        "attributes": attributes(attrs),
        "startTimeUnixNano": str(end - int(seconds * 1e9)),
        "timeUnixNano": str(end),
        "count": "1",
        "sum": seconds,
        "min": seconds,
        "max": seconds,
        "bucketCounts": [str(c) for c in counts],
        "explicitBounds": list(BOUNDS),
    }


def _resource(log_id: str) -> dict[str, object]:
    return {
        "attributes": attributes(
            {
                "service.name": "hardener",
                "service.version": __version__,
                "hardener.ledger.log_id": log_id,
            }
        )
    }


def payload(signal: str, records: Iterable[Record], sessions: Sessions) -> dict[str, object] | None:
    """The ``Export*ServiceRequest`` for one signal, or None when the batch has nothing for it."""
    items: list[dict[str, object]] = []
    log_id = ""
    for record in records:
        log_id = record.log_id
        event = _event(record)
        if event is not None:
            sessions.learn(event)
        if signal == "logs":
            items.append(log_record(record, sessions))
        elif event is not None and event.get("kind") == "tool.result":
            maker = span if signal == "traces" else duration_point
            items.append(maker(record, event, sessions))
    if not items:
        return None
    resource = _resource(log_id)
    if signal == "logs":
        return {
            "resourceLogs": [
                {"resource": resource, "scopeLogs": [{"scope": SCOPE, "logRecords": items}]}
            ]
        }
    if signal == "traces":
        return {
            "resourceSpans": [
                {"resource": resource, "scopeSpans": [{"scope": SCOPE, "spans": items}]}
            ]
        }
    metric = {
        "name": "mcp.client.operation.duration",
        "description": "Duration of the MCP request as observed by hardener's shim.",
        "unit": "s",
        "histogram": {"aggregationTemporality": DELTA, "dataPoints": items},
    }
    return {
        "resourceMetrics": [
            {"resource": resource, "scopeMetrics": [{"scope": SCOPE, "metrics": [metric]}]}
        ]
    }


class OtlpSender:
    """POSTs one signal's payloads to an OTLP/HTTP endpoint; raises :class:`ExportError`."""

    def __init__(
        self,
        endpoint: str,
        signal: str,
        *,
        headers: dict[str, str] | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if signal not in PATHS:
            raise ValueError(f"unknown OTLP signal {signal!r}")
        self.url = endpoint.rstrip("/") + PATHS[signal]
        self.signal = signal
        self.sessions = Sessions()
        self._client = httpx.Client(
            timeout=timeout,
            headers={"Content-Type": "application/json", **(headers or {})},
            transport=transport,
            trust_env=False,
        )

    def send(self, records: list[Record]) -> None:
        document = payload(self.signal, records, self.sessions)
        if document is None:
            return
        data = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
        try:
            response = self._client.post(self.url, content=data)
        except httpx.HTTPError as exc:
            raise ExportError(f"OTLP {self.signal} to {self.url}: {exc}") from exc
        if response.status_code // 100 != 2:
            raise ExportError(
                f"OTLP {self.signal} to {self.url}: HTTP {response.status_code} "
                f"{response.text[:200]}"
            )
        try:
            partial = response.json().get("partialSuccess") or {}
        except ValueError:
            partial = {}
        rejected = sum(int(v) for k, v in partial.items() if k.startswith("rejected"))
        if rejected:
            raise ExportError(
                f"OTLP {self.signal} to {self.url}: the collector rejected {rejected} item(s): "
                f"{partial.get('errorMessage', '')}"
            )

    def close(self) -> None:
        self._client.close()
