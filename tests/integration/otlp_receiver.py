"""A loopback OTLP/HTTP receiver that validates each request with the official OTLP messages.

Every POST to ``/v1/traces``, ``/v1/logs`` or ``/v1/metrics`` is parsed with
``google.protobuf.json_format.Parse`` into the ``opentelemetry-proto`` request message (unknown
fields are errors), and answered as a collector does (``{}``, or HTTP 400 with the parse error).
``fail_next`` makes the next requests fail with HTTP 503 (a collector that is down).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from tests.support.loopback_http import LoopbackHTTP

MESSAGES: dict[str, Any] = {
    "/v1/traces": trace_service_pb2.ExportTraceServiceRequest,
    "/v1/logs": logs_service_pb2.ExportLogsServiceRequest,
    "/v1/metrics": metrics_service_pb2.ExportMetricsServiceRequest,
}


class OtlpReceiver(LoopbackHTTP):
    def __init__(self) -> None:
        self.received: dict[str, list[Any]] = {path: [] for path in MESSAGES}
        self.errors: list[str] = []
        self.fail_next = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                status, answer = outer.handle(self.path, self.headers.get("content-type"), body)
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.serve(Handler)

    def handle(self, path: str, content_type: str | None, body: bytes) -> tuple[int, bytes]:
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return 503, b'{"message": "unavailable"}'
            message = MESSAGES.get(path)
            if message is None or content_type != "application/json":
                self.errors.append(f"{path} {content_type}")
                return 404, b"{}"
            try:
                parsed = json_format.Parse(body, message())
            except json_format.ParseError as exc:
                self.errors.append(f"{path}: {exc}")
                return 400, b'{"message": "bad payload"}'
            self.received[path].append(parsed)
            return 200, b"{}"

    def spans(self) -> list[Any]:
        return [
            s
            for r in self.received["/v1/traces"]
            for rs in r.resource_spans
            for ss in rs.scope_spans
            for s in ss.spans
        ]

    def logs(self) -> list[Any]:
        return [
            lr
            for r in self.received["/v1/logs"]
            for rl in r.resource_logs
            for sl in rl.scope_logs
            for lr in sl.log_records
        ]

    def metrics(self) -> list[Any]:
        return [
            m
            for r in self.received["/v1/metrics"]
            for rm in r.resource_metrics
            for sm in rm.scope_metrics
            for m in sm.metrics
        ]


def attrs(item: Any) -> dict[str, Any]:
    """An OTLP item's attributes as a plain dict."""
    out: dict[str, Any] = {}
    for kv in item.attributes:
        kind = kv.value.WhichOneof("value")
        out[kv.key] = getattr(kv.value, kind) if kind else None
    return out
