"""``hardener demo`` end to end, and every seam checked on the data its real producers made.

The demo runs as a user would run it (its own process, ``--keep DIR``); the test then checks the
demo's claims itself on the kept sandbox instead of trusting its report: the alerts the daemon
sealed (``hardener alerts``), ``log show``, ``log export`` (JSON lines, and syslog to a real
loopback receiver), ``status`` (``audit.chain``, the heartbeat through ``status --home``),
``log verify``, the byte-identical restore, and that deleting the ledger is reported as tampering.
One run uses the machine's gnome-keyring in a private D-Bus session (when installed), one runs as
on a fresh machine without any Secret Service (no session bus, no gnome-keyring on PATH).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import psutil
import pytest

from hardener.demo.clients import configs
from hardener.demo.scenario import EXPECTED_RULES
from hardener.demo.session import DEMO_TOKEN
from hardener.export.records import ALWAYS
from hardener.policy import load_schema

pytestmark = pytest.mark.slow


def _demo(root: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "hardener", "demo", "--keep", str(root), "--json", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    jsonschema.validate(document, load_schema("demo.schema.json"))
    assert "[1] Three AI clients" in result.stderr  # the narrative goes to stderr with --json
    assert _processes_of(root) == [], "the demo left processes running"
    return document


def _processes_of(root: Path) -> list[int]:
    """Processes started for the sandbox: its path in their argv or their HOME."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            home = proc.environ().get("HOME", "")
            alive = proc.status() != psutil.STATUS_ZOMBIE
        except (psutil.Error, OSError):
            continue
        argv = proc.info["cmdline"] or []
        if alive and (home.startswith(str(root)) or any(str(root) in part for part in argv)):
            found.append(proc.info["pid"])
    return found


def _sandbox_env(root: Path) -> dict[str, str]:
    """The environment ``env.sh`` of the kept sandbox describes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "DBUS_"))}
    for line in (root / "env.sh").read_text().splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            env[name] = value.strip("'")
    return env


def _hardener(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hardener", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    document = json.loads(result.stdout)
    jsonschema.validate(document, load_schema(str(document["schema"])))
    return document


def _common_claims(root: Path, document: dict[str, Any], env: dict[str, str]) -> None:
    claims = document["claims"]
    assert set(claims["alert_rules"]) >= set(EXPECTED_RULES)
    assert claims["verify_exit"] == 0
    assert claims["tampered"]["exit"] == 1
    assert claims["tampered"]["seq"] == claims["tampered"]["edited"]
    assert all(claims["restored_identical"].values())
    home = root / "home"
    # byte-identical restore, checked against the texts the demo wrote
    for item in configs(home, root / "server-starts"):
        assert item.path.read_bytes() == item.text.encode(), item.path
    # the token never reached the disk anywhere in the sandbox
    for path in home.rglob("*"):
        if path.is_file():
            assert DEMO_TOKEN.encode() not in path.read_bytes(), path
    # alerts, read back by the CLI from what the daemon sealed
    alerts = _json(_hardener(env, "alerts", "--json"))
    rules = {a["alert"]["rule"] for a in alerts["alerts"]}
    assert rules >= set(EXPECTED_RULES)
    assert all(a["alert"]["client"] == "vscode" for a in alerts["alerts"])
    only = _json(_hardener(env, "alerts", "--json", "--severity", "high"))
    assert 0 < only["count"] < alerts["count"]
    assert {a["alert"]["severity"] for a in only["alerts"]} <= {"high", "critical"}
    assert _json(_hardener(env, "alerts", "--json", "--server", "elsewhere"))["count"] == 0


@pytest.mark.keychain
@pytest.mark.timeout(240)
def test_demo_with_the_machines_secret_service(tmp_path: Path) -> None:
    if not shutil.which("gnome-keyring-daemon"):
        if os.environ.get("CI"):
            pytest.fail("CI installs gnome-keyring; the demo must use it")
        pytest.skip("gnome-keyring is not installed")
    root = tmp_path / "demo"
    document = _demo(root, dict(os.environ))
    assert document["keystore"] == "gnome-keyring"
    assert (root / "keyring-password").stat().st_mode & 0o077 == 0
    _common_claims(root, document, _sandbox_env(root))


class SyslogReceiver:
    """A real UDP syslog collector on loopback."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(10)
        self.port = self.sock.getsockname()[1]

    def take(self, count: int) -> list[bytes]:
        return [self.sock.recv(65536) for _ in range(count)]

    def close(self) -> None:
        self.sock.close()


def _status_as_root_for(user: str, home: Path, tmp_path: Path, monkeypatch: Any) -> dict[str, Any]:
    """``status --json --user NAME`` in-process, the account database answering ``home``."""
    import io
    import pwd
    from types import SimpleNamespace

    from hardener.cli.main import main
    from hardener.paths import Platform

    real = pwd.getpwnam
    monkeypatch.setattr(
        pwd,
        "getpwnam",
        lambda name: SimpleNamespace(pw_dir=str(home)) if name == user else real(name),
    )
    elsewhere = tmp_path / "root-home"
    elsewhere.mkdir(exist_ok=True)
    for name in list(os.environ):
        if name.startswith(("XDG_", "DBUS_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(elsewhere))
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    main(["status", "--json", "--user", user], platform=Platform.current())
    document = json.loads(out.getvalue())
    jsonschema.validate(document, load_schema(str(document["schema"])))
    return document


@pytest.mark.timeout(240)
def test_demo_without_any_secret_service_and_every_seam(tmp_path: Path, monkeypatch: Any) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBUS_")}
    env["PATH"] = str(Path(sys.executable).parent)  # no dbus-daemon, no gnome-keyring
    root = tmp_path / "demo"
    document = _demo(root, env)
    assert document["keystore"] == "file"
    store = root / "demo-keystore.json"
    assert store.stat().st_mode & 0o077 == 0
    assert "NOT an OS keychain" in store.read_text()
    box = _sandbox_env(root)
    box["PATH"] = env["PATH"]
    _common_claims(root, document, box)

    # log verify on the sealed ledger (the demo's key store holds the keys)
    verify = _json(_hardener(box, "log", "verify", "--all", "--json"))
    assert verify["ok"] is True
    last_seq = verify["last_seq"]
    # log show: the shim's records as sealed, the token redacted
    shown = _json(
        _hardener(box, "log", "show", "--json", "--tool", "deploy", "--kind", "tool.call")
    )
    assert shown["count"] == 1
    arguments = shown["records"][0]["body"]["event"]["body"]["arguments"]
    assert arguments["service"] == "web"
    assert arguments["token"].startswith("[redacted:")
    # log export as JSON lines
    out = tmp_path / "export.jsonl"
    assert _hardener(box, "log", "export", "--out", str(out)).returncode == 0
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["seq"] for r in exported] == list(range(last_seq + 1))
    record_schema = load_schema("log-export-record.schema.json")
    for record in exported:
        jsonschema.validate(record, record_schema)
    alerts_exported = [r for r in exported if r["kind"] == "alert"]
    assert {r["body"]["event"]["body"]["rule"] for r in alerts_exported} >= set(EXPECTED_RULES)
    # log export to a real syslog receiver on loopback
    # (checkpoints always go along: they anchor what was shipped)
    shipped = [r for r in exported if r["kind"] == "alert" or r["kind"] in ALWAYS]
    receiver = SyslogReceiver()
    try:
        sent = _hardener(
            box, "log", "export", "--kind", "alert", "--syslog", f"udp://127.0.0.1:{receiver.port}"
        )
        assert sent.returncode == 0, sent.stderr
        messages = receiver.take(len(shipped))
    finally:
        receiver.close()
    for message, record in zip(messages, shipped, strict=True):
        assert message.startswith(b"<"), message[:40]
        assert f'seq="{record["seq"]}" kind="{record["kind"]}"'.encode() in message
        if record["kind"] == "alert":
            severity = record["body"]["event"]["body"]["severity"]
            pri = 13 * 8 + {"critical": 2, "high": 3, "medium": 4, "low": 5}[severity]
            assert message.startswith(f"<{pri}>1 ".encode())
    # status: the chain verified, the daemon's last heartbeat read through --home
    status = _json(_hardener(box, "status", "--format", "json"))
    checks = {c["id"]: c for c in status["checks"]}
    assert checks["audit.chain"]["result"] == "pass", checks["audit.chain"]
    assert checks["keystore.backend"]["result"] == "pass"  # insecure, allowed by the demo policy
    other = tmp_path / "root-home"
    other.mkdir()
    as_root = {**box, "HOME": str(other), "XDG_STATE_HOME": str(other / "s")}
    remote = _json(_hardener(as_root, "status", "--json", "--home", box["HOME"]))
    agent = {c["id"]: c for c in remote["checks"]}["agent.running"]
    assert "stopped" in agent["detail"]  # the daemon's final heartbeat says it stopped

    by_user = _status_as_root_for("demo-user", Path(box["HOME"]), tmp_path, monkeypatch)
    assert by_user["home"] == box["HOME"]
    agent = {c["id"]: c for c in by_user["checks"]}["agent.running"]
    assert "stopped" in agent["detail"]  # the daemon's own last heartbeat, read through --user

    # deleting the log is tampering: verify and status name it
    ledger = Path(box["XDG_STATE_HOME"]) / "hardener" / "ledger"
    for segment in ledger.glob("*.jsonl"):
        segment.unlink()
    gone = _hardener(box, "log", "verify", "--all", "--json")
    assert gone.returncode == 1, gone.stderr
    finding = _json(gone)["finding"]
    assert finding["reason"] == "deleted"
    assert finding["seq"] == verify["anchor"]["seq"]
    assert finding["expected"] == verify["anchor"]["head"]
    human = _hardener(box, "log", "verify")
    assert human.returncode == 1
    assert "deleted" in human.stdout
    assert "hardener log verify" not in human.stdout + human.stderr
    status = _json(_hardener(box, "status", "--format", "json"))
    checks = {c["id"]: c for c in status["checks"]}
    assert checks["audit.chain"]["result"] == "fail"
    assert "TAMPERED (deleted)" in checks["audit.chain"]["detail"]
    assert checks["audit.anchored"]["result"] == "fail"
    shutil.rmtree(ledger)
    assert _json(_hardener(box, "log", "verify", "--json"))["finding"]["reason"] == "deleted"
