"""``hardener log verify|show|tail`` end to end, ``--json`` validated against schemas/."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time

import jsonschema
import pytest

from hardener.ledger.sealing.sealer import Sealer
from hardener.ledger.store import ACTIVE
from hardener.policy import load_schema

from .ledger_support import (  # noqa: F401 - fixtures
    keystore_fixture,
    paths_fixture,
    settings,
    write_session,
)

pytestmark = pytest.mark.keychain


class LineReader:
    """Lines from a pipe without a userspace buffer hiding data from select()."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""
        self.selector = selectors.DefaultSelector()
        self.selector.register(fd, selectors.EVENT_READ)

    def next(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            assert left > 0, "no line in time"
            assert self.selector.select(timeout=left), "no line in time"
            chunk = os.read(self.fd, 65536)
            assert chunk, "the process closed its output"
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line


def seal(paths, keystore, **sessions: int) -> None:
    for client, events in sessions.items():
        write_session(paths, events, client=client, tool=f"{client}-tool")
    with Sealer(paths, settings(), keystore) as sealer:
        sealer.seal_pending()


def test_verify_reports_intact_then_tampered(paths, keystore, run_cli):
    seal(paths, keystore, cursor=10)
    intact = run_cli("log", "verify")
    assert intact.code == 0
    assert "intact" in intact.stdout
    report = run_cli("log", "verify", "--all", "--json").json()
    assert report["ok"] is True
    assert report["finding"] is None
    ledger = paths.ledger_dir / ACTIVE
    lines = ledger.read_bytes().splitlines(keepends=True)
    lines[4], lines[5] = lines[5], lines[4]
    ledger.write_bytes(b"".join(lines))
    tampered = run_cli("log", "verify", "--all", "--json")
    assert tampered.code == 1
    finding = tampered.json()["finding"]
    assert finding["reason"] == "reordered"
    assert finding["seq"] == 4
    assert finding["line"] == 5
    assert finding["segment"] == ACTIVE
    human = run_cli("log", "verify", "--all")
    assert human.code == 1
    assert "TAMPERED" in human.stdout
    assert "reordered at seq 4" in human.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ("log", "verify", "--json"),
        ("log", "show", "--json"),
        ("keys", "info", "--json"),
        ("keys", "export-verifier", "--out", "verifier.json", "--json"),
    ],
)
def test_no_ledger_is_the_same_error_for_every_verb(run_cli, sandbox_home, argv):
    result = run_cli(*argv)
    assert result.code == 3, result.stderr
    assert result.json()["error"]["kind"] == "NoLedgerError"
    assert "no ledger is enrolled here" in result.stderr


def test_show_filters(paths, keystore, run_cli):
    seal(paths, keystore, cursor=4, claude=3)
    everything = run_cli("log", "show", "--json").json()
    assert everything["count"] == len(everything["records"]) == 1 + 10 + 8 + 1
    calls = run_cli("log", "show", "--json", "--client", "claude", "--kind", "tool.call").json()
    assert calls["count"] == 3
    assert {r["tool"] for r in calls["records"]} == {"claude-tool"}
    limited = run_cli("log", "show", "--json", "--tool", "cursor-tool", "--limit", "2").json()
    assert [r["body"]["event"]["n"] for r in limited["records"]] == [7, 8]
    assert run_cli("log", "show", "--json", "--since", "2099-01-01T00:00:00Z").json()["count"] == 0
    assert run_cli("log", "show", "--json", "--until", "1h").json()["count"] == 0
    table = run_cli("log", "show", "--server", "github")
    assert "claude/github" in table.stdout
    assert run_cli("log", "show", "--since", "yesterday").code == 2


def test_tail_follows_until_interrupted(paths, keystore, sandbox_home):
    seal(paths, keystore, cursor=2)
    env = dict(os.environ)
    tail = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hardener",
            "log",
            "tail",
            "--follow",
            "--json",
            "-n",
            "1",
            "--timeout",
            "60",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    schema = load_schema("log-export-record.schema.json")
    try:
        assert tail.stdout is not None
        lines = LineReader(tail.stdout.fileno())
        first = json.loads(lines.next(60))  # the handshake: the last sealed record
        jsonschema.validate(first, schema)
        seal(paths, keystore, windsurf=2)
        seen: list[dict] = []
        while not any(
            r["body"].get("event", {}).get("client") == "windsurf" and r["kind"] == "session.end"
            for r in seen
        ):
            seen.append(json.loads(lines.next(60)))
        assert [r["seq"] for r in seen] == list(
            range(first["seq"] + 1, first["seq"] + 1 + len(seen))
        )
        tail.send_signal(signal.SIGINT)
        assert tail.wait(timeout=30) == 0
    finally:
        if tail.poll() is None:
            tail.kill()
            tail.wait()
        tail.stdout.close()
        tail.stderr.close()
