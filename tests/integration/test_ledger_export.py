"""Export: RFC 5424 to real UDP, TCP and TLS receivers on loopback, JSON lines, resuming targets."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hardener.ledger.query import iter_records
from hardener.ledger.sealing.sealer import Sealer
from hardener.policy import load_schema

from .ledger_support import (  # noqa: F401 - fixtures
    keystore_fixture,
    paths_fixture,
    settings,
    write_session,
)

pytestmark = pytest.mark.keychain

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


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    made: list[Receiver] = []
    yield made
    for receiver in made:
        receiver.close()


def sealed(paths, keystore, sessions: int = 2) -> int:
    for _ in range(sessions):
        write_session(paths, 12)
    with Sealer(paths, settings(ledger__checkpoint_records=10), keystore) as sealer:
        sealer.seal_pending()
    return len(list(iter_records(paths.ledger_dir)))


@pytest.mark.parametrize("protocol", ["udp", "tcp"])
def test_log_export_to_syslog(paths, keystore, run_cli, receivers, protocol):
    total = sealed(paths, keystore)
    receiver = Receiver(protocol)
    receivers.append(receiver)
    url = f"{protocol}://127.0.0.1:{receiver.port}"
    result = run_cli("log", "export", "--syslog", url, "--json")
    assert result.code == 0, result.stderr
    assert result.json()["records"] == total
    records = [check_message(m) for m in receiver.wait_for(total)]
    assert sorted(r["seq"] for r in records) == list(range(total))
    assert {"checkpoint", "file_open", "tool.call"} <= {r["kind"] for r in records}


def _tls_pair(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    return cert_file, server


def test_policy_targets_resume_without_duplicates(
    paths, keystore, receivers, tmp_path, monkeypatch
):
    cert, server_context = _tls_pair(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the collector's CA, as an admin would set it
    tcp, tls = Receiver("tcp"), Receiver("tls", server_context)
    receivers += [tcp, tls]
    out = tmp_path / "siem" / "hardener.jsonl"
    targets = [
        {"type": "jsonl", "path": str(out)},
        {"type": "syslog", "host": "127.0.0.1", "port": tcp.port, "protocol": "tcp"},
        {
            "type": "syslog",
            "host": "127.0.0.1",
            "port": tls.port,
            "protocol": "tls",
            "include": ["alert"],
        },
    ]
    pol = settings(export__targets=targets, ledger__checkpoint_records=10)
    write_session(paths, 10)
    with Sealer(paths, pol, keystore) as sealer:
        sealer.seal_pending()
        sealer.tick()
        sealer.append("alert", {"rule": "test", "severity": "high", "summary": "x"})
    write_session(paths, 5)
    with Sealer(paths, pol, keystore) as sealer:  # a restart: resumes each target
        sealer.seal_pending()
    total = len(list(iter_records(paths.ledger_dir)))
    lines = out.read_bytes().splitlines()
    seqs = [json.loads(line)["seq"] for line in lines]
    assert seqs == list(range(total))
    for line in lines:
        jsonschema.validate(json.loads(line), RECORD_SCHEMA)
    tcp_records = [check_message(m) for m in tcp.wait_for(total)]
    assert sorted(r["seq"] for r in tcp_records) == list(range(total))
    kinds = {"alert", "checkpoint", "epoch_close", "prune", "recovery"}
    expected = [r.seq for r in iter_records(paths.ledger_dir) if r.kind in kinds]
    tls_records = [check_message(m) for m in tls.wait_for(len(expected))]
    assert [r["seq"] for r in tls_records] == expected
    alert = next(r for r in tls_records if r["kind"] == "alert")
    assert alert["body"]["event"]["body"]["severity"] == "high"
    assert (
        int(
            re.match(
                rb"<(\d+)>", tls.messages[[r["seq"] for r in tls_records].index(alert["seq"])]
            ).group(1)
        )
        % 8
        == 3
    )


def test_log_export_json_lines(paths, keystore, run_cli, tmp_path):
    total = sealed(paths, keystore)
    result = run_cli("log", "export")
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == total
    for line in lines:
        record = json.loads(line)
        jsonschema.validate(record, RECORD_SCHEMA)
        assert record["schema_version"] == 1
    out = tmp_path / "export.jsonl"
    assert run_cli("log", "export", "--out", str(out), "--since", "1h").code == 0
    assert len(out.read_bytes().splitlines()) == total
    summary = run_cli(
        "log", "export", "--out", str(out), "--since", "2099-01-01T00:00:00Z", "--json"
    )
    assert summary.json()["records"] == 0
    assert run_cli("log", "export", "--json").code == 2
