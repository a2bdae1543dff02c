"""Export: RFC 5424 to real UDP, TCP and TLS receivers on loopback, JSON lines, resuming targets."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import ssl
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from hardener.export.targets import Exporter, public_text
from hardener.ledger.query import iter_records
from hardener.ledger.sealing.sealer import Sealer
from hardener.settings import ExportTarget
from tests.support.syslog_receiver import RECORD_SCHEMA, Receiver, check_message

from .ledger_support import (  # noqa: F401 - fixtures
    keystore_fixture,
    paths_fixture,
    settings,
    write_session,
)

pytestmark = pytest.mark.keychain


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


def test_a_failing_target_reports_why_and_recovers_without_skipping(paths, keystore, tmp_path):
    total = sealed(paths, keystore)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the export directory should be\n")
    target: ExportTarget = {"type": "jsonl", "path": str(blocker / "records.jsonl")}
    ident = f"jsonl:{blocker / 'records.jsonl'}"
    exporter = Exporter(paths, [target], retry_seconds=0)
    try:
        exporter.export_pending()
        down = exporter.health()[ident]
        assert (down["ok"], down["failures"], down["next_seq"]) == (False, 1, 0)
        assert down["problem"]
        assert down["retry_at_unix"] is not None
        exporter.export_pending()
        assert exporter.health()[ident]["failures"] == 2

        blocker.unlink()
        blocker.mkdir()
        exporter.export_pending()
        up = exporter.health()[ident]
        assert (up["ok"], up["problem"], up["failures"], up["retry_at_unix"]) == (
            True,
            None,
            0,
            None,
        )
        assert up["sent"] == up["next_seq"] == total
        assert up["last_ok_unix"] is not None
    finally:
        exporter.close()
    seqs = [
        json.loads(line)["seq"] for line in (blocker / "records.jsonl").read_text().splitlines()
    ]
    assert seqs == list(range(total))


def test_export_health_keeps_url_credentials_out_of_the_world_readable_heartbeat():
    assert public_text("otlp:logs:https://ops:hunter2@siem.example/v1/logs?api_key=k1") == (
        "otlp:logs:https://…@siem.example/v1/logs?…"
    )
    assert public_text("syslog:tcp://127.0.0.1:6514") == "syslog:tcp://127.0.0.1:6514"
