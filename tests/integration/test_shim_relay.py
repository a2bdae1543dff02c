"""The shim relays bytes unchanged, whatever they are, and records what it could not parse."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from blake3 import blake3

from tests.integration.shim_support import (
    RAW_ECHO,
    TIME_SERVER,
    RawPeer,
    env_for,
    of_kind,
    shim,
    spool_events,
)

pytestmark = pytest.mark.slow


def _echo_through(home: Path, payload: bytes, *, chunk: int = 1 << 16) -> bytes:
    """Write ``payload`` through shim → echo server → shim and return what came back."""
    peer = RawPeer(shim(*RAW_ECHO), env_for(home), read_lines=False)
    received = bytearray()

    def read() -> None:
        assert peer.proc.stdout is not None
        while data := peer.proc.stdout.read1(1 << 20):
            received.extend(data)

    reader = threading.Thread(target=read)
    reader.start()
    assert peer.proc.stdin is not None
    for start in range(0, len(payload), chunk):
        peer.proc.stdin.write(payload[start : start + chunk])
        peer.proc.stdin.flush()
    peer.close_stdin()
    reader.join(120)
    assert peer.wait(60) == 0
    return bytes(received)


@pytest.mark.timeout(60)
def test_odd_bytes_pass_unchanged_and_are_recorded_as_anomalies(sandbox_home: Path) -> None:
    payload = (
        b'{ "jsonrpc" : "2.0", "id" : 1, "method" : "tools/call", "params" : {"name":"caf\\u00e9", "arguments":{"x":"\xc3\xa9"}} }\r\n'
        b"not json at all\n"
        b"\xff\xfe invalid utf-8 \x80\n"
        b'[{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"a"}},{"jsonrpc":"2.0","method":"notifications/x"}]\n'
        b"\n"
        b'{"jsonrpc":"2.0","id":3,"method":"ping"}'  # no final newline
    )
    assert _echo_through(sandbox_home, payload, chunk=7) == payload
    events = spool_events(sandbox_home)
    problems = sorted(b["problem"] for b in of_kind(events, "protocol.anomaly"))
    assert "invalid_json" in problems
    assert "not_utf8" in problems
    assert "missing_final_newline" in problems
    tools = [b["tool"] for b in of_kind(events, "tool.call")]
    assert tools == ["café", "a"]


@pytest.mark.timeout(120)
def test_a_100_mb_line_passes_unchanged(sandbox_home: Path) -> None:
    blob = b"x" * (100 * 1024 * 1024)
    line = (
        b'{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"big","arguments":{"blob":"'
        + blob
        + b'"}}}\n'
    )
    small = b'{"jsonrpc":"2.0","id":43,"method":"tools/call","params":{"name":"after"}}\n'
    received = _echo_through(sandbox_home, line + small, chunk=1 << 20)
    assert len(received) == len(line + small)
    assert hashlib.sha256(received).digest() == hashlib.sha256(line + small).digest()
    events = spool_events(sandbox_home)
    calls = of_kind(events, "tool.call")
    assert calls[0]["id"] == 42
    assert calls[0]["tool"] == "big"
    assert calls[0]["size_bytes"] == len(line) - 1
    assert calls[0]["blake3"] == blake3(line[:-1]).hexdigest()
    assert calls[1]["tool"] == "after"


@pytest.mark.timeout(60)
def test_many_messages_in_one_write_and_pipelined_requests(sandbox_home: Path) -> None:
    lines = b"".join(
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": i,
                "method": "tools/call",
                "params": {"name": "echo", "arguments": {"i": i}},
            }
        ).encode()
        + b"\n"
        for i in range(500)
    )
    assert _echo_through(sandbox_home, lines, chunk=len(lines)) == lines
    calls = of_kind(spool_events(sandbox_home), "tool.call")
    assert [c["id"] for c in calls] == list(range(500))


@pytest.mark.timeout(60)
def test_garbage_from_the_child_is_relayed_and_recorded(sandbox_home: Path) -> None:
    peer = RawPeer(shim(*RAW_ECHO, "--garbage"), env_for(sandbox_home))
    assert peer.read_line() == b"this is not json\n"
    assert peer.read_line() == b"\xff\xfe\xfd not utf-8\n"
    peer.close_stdin()
    assert peer.wait() == 0
    events = spool_events(sandbox_home)
    anomalies = of_kind(events, "protocol.anomaly")
    assert {(a["direction"], a["problem"]) for a in anomalies} == {
        ("s2c", "invalid_json"),
        ("s2c", "not_utf8"),
    }
    assert events[-1]["kind"] == "session.end"


@pytest.mark.timeout(60)
def test_no_secret_of_the_corpus_reaches_the_spool_or_stderr(sandbox_home: Path) -> None:
    from tests.support.secret_corpus import CORPUS, _contexts

    texts = [text for name, secret in CORPUS.items() for text in _contexts(name, secret)]
    calls = [
        {
            "jsonrpc": "2.0",
            "id": i,
            "method": "tools/call",
            "params": {
                "name": "run",
                "arguments": {"input": text, "nested": {"password": "pw-" + str(i)}},
            },
        }
        for i, text in enumerate(texts)
    ]
    results = [
        {"jsonrpc": "2.0", "id": i, "result": {"content": [{"type": "text", "text": text}]}}
        for i, text in enumerate(texts)
    ]
    peer = RawPeer(shim(*RAW_ECHO), env_for(sandbox_home))
    for call, result in zip(calls, results, strict=True):
        peer.send(call)
        assert peer.read_line() is not None
        peer.send(result)  # echoed back: the server "answers" with the secret in its result
        assert peer.read_line() is not None
    peer.close_stdin()
    assert peer.wait() == 0
    spool = b"".join(
        p.read_bytes()
        for p in (sandbox_home / ".local" / "state" / "hardener" / "spool").glob("*.jsonl")
    )
    assert spool
    for secret in [*CORPUS.values(), *(f"pw-{i}" for i in range(len(texts)))]:
        for piece in secret.split("\n"):
            assert piece.encode() not in spool, piece
            assert piece.encode() not in peer.stderr
    assert len(of_kind(spool_events(sandbox_home), "tool.call")) == len(texts)


@pytest.mark.timeout(120)
def test_a_shim_killed_right_after_long_lines_loses_none_of_them(sandbox_home: Path) -> None:
    """Lines over the 1 MiB parse limit are hashed (BLAKE3) by the relay as it forwards them; it
    hands each line's summary (size, digest, head, tail) to the recorder process before it
    forwards the line's last byte. SIGKILL to the shim as soon as the
    client has every echo: the forked recorder still writes a correct record of every line."""
    peer = RawPeer(shim(*RAW_ECHO), env_for(sandbox_home, HARDENER_SHIM_RECORDER="process"))
    peer.send({"jsonrpc": "2.0", "method": "notifications/ready"})
    assert peer.read_line() is not None
    recorder = peer.forked_recorder()
    lines = []
    for ident in range(4):
        blob = os.urandom(1_500_000 + 100_000 * ident).hex()  # 3.0 to 3.6 MB, distinct digests
        lines.append(
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": ident,
                    "method": "tools/call",
                    "params": {"name": f"big{ident}", "arguments": {"blob": blob}},
                }
            ).encode()
        )
    writer = threading.Thread(target=peer.send, args=(b"\n".join(lines) + b"\n",))
    writer.start()  # the echo answers while we still write
    for line in lines:
        assert peer.read_line(60) == line + b"\n"
    writer.join()
    peer.sigkill_shim(recorder)
    events = spool_events(sandbox_home)
    calls = of_kind(events, "tool.call")
    assert [(c["id"], c["tool"]) for c in calls] == [(i, f"big{i}") for i in range(4)]
    assert [(c["size_bytes"], c["blake3"]) for c in calls] == [
        (len(line), blake3(line).hexdigest()) for line in lines
    ]
    echoed = [b for b in of_kind(events, "protocol.anomaly") if b["direction"] == "s2c"]
    assert [(b["problem"], b["size_bytes"], b["blake3"]) for b in echoed] == [
        ("oversized_unparsed", len(line), blake3(line).hexdigest()) for line in lines
    ]
    assert events[-1]["kind"] == "session.end"
    assert events[-1]["body"]["reason"] == "shim_gone"


def _settled(count: Callable[[], int]) -> int:
    """``count()`` once it stopped growing (the same over three polls a fifth of a second apart)."""
    seen = [-1, -2, -3]
    for _ in range(150):
        seen = [*seen[1:], count()]
        if seen[0] == seen[1] == seen[2]:
            break
        time.sleep(0.2)
    return seen[-1]


@pytest.mark.timeout(120)
def test_a_recorder_that_falls_behind_holds_the_relay_back_and_loses_nothing(
    sandbox_home: Path,
) -> None:
    """The recorder process is stopped (SIGSTOP) while the client sends 4 MB of calls: the relay
    hands each message over before forwarding it, into the recorder's 1 MiB pipe, so once that
    pipe is full nothing more is forwarded (no queue in the shim: it would be lost with the shim).
    Resumed, the recorder catches up, every call is echoed, and every one of them is recorded."""
    peer = RawPeer(shim(*RAW_ECHO), env_for(sandbox_home, HARDENER_SHIM_RECORDER="process"))
    peer.send({"jsonrpc": "2.0", "method": "notifications/ready"})
    assert peer.read_line() is not None
    recorder = peer.forked_recorder()
    pad = "p" * 1000
    lines = [
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": ident,
                "method": "tools/call",
                "params": {"name": "slow", "arguments": {"pad": pad}},
            }
        ).encode()
        + b"\n"
        for ident in range(4000)
    ]
    recorder.suspend()
    writer = threading.Thread(target=peer.send, args=(b"".join(lines),))
    writer.start()
    try:
        held = _settled(peer.lines.qsize)
        # Each echo the client got was first recorded both ways: at most a pipe's worth (1 MiB).
        assert held * len(lines[0]) * 2 <= 1 << 20
        assert writer.is_alive()  # the shim stopped reading the client: back-pressure
    finally:
        recorder.resume()
    writer.join(60)
    echoed = [peer.read_line(60) for _ in lines]
    assert echoed == lines
    peer.close_stdin()
    assert peer.wait() == 0
    events = spool_events(sandbox_home)
    assert [c["id"] for c in of_kind(events, "tool.call")] == list(range(len(lines)))
    assert events[-1]["kind"] == "session.end"


@pytest.mark.timeout(120)
def test_a_recorder_in_a_long_pause_is_woken_by_a_full_pipe_and_records_every_call(
    sandbox_home: Path,
) -> None:
    """The recorder process pauses between batches (here ten minutes, at least): pipelined calls
    (1.5 MB) overflow its 1 MiB pipe, the relay wakes it instead of waiting out the pause, every
    call is answered, and the real spool holds every call and its result, in order."""
    env = env_for(
        sandbox_home,
        HARDENER_SHIM_RECORDER="process",
        HARDENER_RECORDER_BATCH="600",
        HARDENER_RECORDER_BATCH_MAX="600",
    )
    peer = RawPeer(shim(*TIME_SERVER), env)
    peer.initialize()
    calls = 1500
    pad = "p" * 1000
    data = b"".join(
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": ident,
                "method": "tools/call",
                "params": {
                    "name": "get_current_time",
                    "arguments": {"timezone": "UTC"},
                    "_meta": {"pad": pad},
                },
            }
        ).encode()
        + b"\n"
        for ident in range(calls)
    )
    writer = threading.Thread(target=peer.send, args=(data,), daemon=True)
    writer.start()
    answered = []
    for _ in range(calls):
        line = peer.read_line(60)  # None: the relay waited for the recorder's pause
        assert line is not None
        answered.append(json.loads(line)["id"])
    writer.join(60)
    peer.close_stdin()
    assert peer.wait() == 0
    events = spool_events(sandbox_home)
    assert [c["id"] for c in of_kind(events, "tool.call")] == list(range(calls))
    results = of_kind(events, "tool.result")
    assert [(r["id"], r["status"]) for r in results] == [(i, "ok") for i in answered]
    assert events[-1]["kind"] == "session.end"
