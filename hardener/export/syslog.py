"""RFC 5424 syslog messages over UDP, TCP or TLS (L2 service).

One message per record: ``<PRI>1 TIMESTAMP HOSTNAME hardener PROCID MSGID [SD] MSG`` with facility
13 (log audit), MSGID the record kind, structured data ``[hardener@32473 log_id seq kind]`` (32473
is the documentation enterprise number of RFC 5612) and the export record as compact JSON for MSG.
TCP and TLS use octet counting (``LEN SP MSG``, RFC 6587 / RFC 5425); UDP sends one datagram per
message (RFC 5426) and shortens a body that would not fit.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

from hardener.errors import HardenerError, UsageError

FACILITY_LOG_AUDIT = 13
ENTERPRISE_ID = 32473
UDP_LIMIT = 60_000
SEVERITY = {"critical": 2, "high": 3, "medium": 4, "low": 5}


class ExportError(HardenerError):
    default_remedy = "Check that the collector is reachable; export resumes where it stopped."


def _sd_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _token(value: str, limit: int) -> str:
    clean = "".join(ch for ch in value if 33 <= ord(ch) <= 126)[:limit]
    return clean or "-"


def severity(export: dict[str, Any]) -> int:
    if export.get("kind") in ("checkpoint", "epoch_close", "prune", "recovery"):
        return 5
    if export.get("kind") == "alert":
        inner = export.get("body", {}).get("event", {}).get("body", {})
        if isinstance(inner, dict):
            return SEVERITY.get(str(inner.get("severity")), 4)
        return 4
    return 6


def format_message(
    export: dict[str, object], *, hostname: str | None = None, limit: int = 0
) -> bytes:
    host = _token(hostname or socket.gethostname(), 255)
    pri = FACILITY_LOG_AUDIT * 8 + severity(export)
    sd = '[hardener@{} log_id="{}" seq="{}" kind="{}"]'.format(
        ENTERPRISE_ID,
        _sd_value(str(export.get("log_id"))),
        export.get("seq"),
        _sd_value(str(export.get("kind"))),
    )
    head = f"<{pri}>1 {export.get('ts')} {host} hardener {os.getpid()} "
    head += f"{_token(str(export.get('kind')), 32)} {sd} "
    msg = json.dumps(export, separators=(",", ":"), ensure_ascii=False).encode()
    if limit and len(head.encode()) + len(msg) > limit:
        short = {k: v for k, v in export.items() if k != "body"}
        short["body_truncated"] = True
        msg = json.dumps(short, separators=(",", ":"), ensure_ascii=False).encode()
    return head.encode() + msg


def parse_url(url: str) -> tuple[str, str, int]:
    """``udp://host:port``, ``tcp://host:port`` or ``tls://host:port`` → (protocol, host, port)."""
    remedy = "Use udp://, tcp:// or tls://HOST:PORT (port 1-65535)."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a bad IPv6 literal, a port that is not a number or out of range
        raise UsageError(f"not a syslog URL: {url!r} ({exc})", remedy=remedy) from exc
    if parts.scheme not in ("udp", "tcp", "tls") or not parts.hostname:
        raise UsageError(f"not a syslog URL: {url!r}", remedy=remedy)
    return parts.scheme, parts.hostname, port or (6514 if parts.scheme == "tls" else 514)


class SyslogSender:
    def __init__(
        self,
        host: str,
        port: int,
        protocol: str = "udp",
        *,
        timeout: float = 5.0,
        context: ssl.SSLContext | None = None,
    ) -> None:
        if protocol not in ("udp", "tcp", "tls"):
            raise UsageError(f"unknown syslog protocol {protocol!r}")
        self.host, self.port, self.protocol, self.timeout = host, port, protocol, timeout
        self.context = context
        self._sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        if self._sock is not None:
            return self._sock
        try:
            if self.protocol == "udp":
                info = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_DGRAM)[0]
                sock = socket.socket(info[0], socket.SOCK_DGRAM)
                sock.connect(info[4])
            else:
                sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
                if self.protocol == "tls":
                    context = self.context or ssl.create_default_context()
                    sock = context.wrap_socket(sock, server_hostname=self.host)
        except (OSError, ssl.SSLError) as exc:
            raise ExportError(
                f"cannot reach the syslog collector {self.protocol}://{self.host}:{self.port}: {exc}"
            ) from exc
        sock.settimeout(self.timeout)
        self._sock = sock
        return sock

    def send(self, exports: list[dict[str, object]]) -> None:
        sock = self._connect()
        try:
            if self.protocol == "udp":
                for export in exports:
                    sock.send(format_message(export, limit=UDP_LIMIT))
            else:
                frames = []
                for export in exports:
                    message = format_message(export)
                    frames.append(b"%d " % len(message) + message)
                sock.sendall(b"".join(frames))
        except OSError as exc:
            self.close()
            raise ExportError(
                f"sending to {self.protocol}://{self.host}:{self.port} failed: {exc}"
            ) from exc

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
