"""A real syslog collector on loopback (UDP datagrams, octet-counted TCP/TLS frames) and the
check that one message is RFC 5424 carrying a valid export record, for the export tests."""

from __future__ import annotations

import json
import re
import socket
import ssl
import threading
from typing import Any

import jsonschema

from hardener.policy import load_schema

RFC5424 = re.compile(
    rb"^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) (\S+) hardener (\d+) (\S{1,32}) "
    rb"(\[hardener@32473 [^\]]*\]) (\{.*\})$",
    re.DOTALL,
)
RECORD_SCHEMA = load_schema("log-export-record.schema.json")


def check_message(message: bytes) -> dict[str, Any]:
    match = RFC5424.match(message)
    assert match, message[:200]
    pri = int(match.group(1))
    assert pri // 8 == 13  # facility: log audit
    record = json.loads(match.group(7))
    jsonschema.validate(record, RECORD_SCHEMA)
    assert match.group(5).decode() == record["kind"]
    assert f'seq="{record["seq"]}"'.encode() in match.group(6)
    return record


class Receiver:
    """A syslog collector on 127.0.0.1: UDP datagrams or octet-counted TCP/TLS frames."""

    def __init__(self, protocol: str, context: ssl.SSLContext | None = None) -> None:
        self.protocol = protocol
        self.messages: list[bytes] = []
        kind = socket.SOCK_DGRAM if protocol == "udp" else socket.SOCK_STREAM
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.context = context
        self.done = threading.Event()
        if protocol != "udp":
            self.sock.listen()
        self.sock.settimeout(0.2)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.is_set():
            try:
                if self.protocol == "udp":
                    self.messages.append(self.sock.recv(65535))
                    continue
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            if self.context is not None:
                conn.settimeout(5)
                conn = self.context.wrap_socket(conn, server_side=True)
            self._frames(conn)

    def _frames(self, conn: socket.socket) -> None:
        buffer = b""
        conn.settimeout(0.2)
        with conn:
            while not self.done.is_set():
                try:
                    chunk = conn.recv(65536)
                except (TimeoutError, OSError):
                    continue
                if not chunk:
                    return
                buffer += chunk
                while b" " in buffer:
                    size, _, rest = buffer.partition(b" ")
                    if len(rest) < int(size):
                        break
                    self.messages.append(rest[: int(size)])
                    buffer = rest[int(size) :]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[bytes]:
        waited = threading.Event()
        for _ in range(int(timeout / 0.05)):
            if len(self.messages) >= count:
                break
            waited.wait(0.05)
        return self.messages

    def close(self) -> None:
        self.done.set()
        self.thread.join(timeout=5)
        self.sock.close()
