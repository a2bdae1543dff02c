"""The recorder's JSON (hardener.jsonline, orjson) end to end: a real shim records messages whose
values orjson alone would get wrong or refuse, the real sealer seals its spool into the ledger
through the real keychain, and the ledger verifies, every value read back as sent."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from hardener.ledger.audit import verify_ledger
from hardener.ledger.sealing.sealer import Sealer

from .ledger_support import keystore_fixture, paths_fixture, sealed_events, settings  # noqa: F401
from .shim_support import RAW_ECHO, RawPeer, env_for, shim

pytestmark = pytest.mark.keychain

#: Raw lines as a client could send them, and the arguments the record must show.
CALLS = [
    (
        b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":'
        b'{"small":1.5e-07,"tiny":1e-05,"text":"caf\xc3\xa9 \\u2028 \\u0001"}}}\n',
        {"small": 1.5e-07, "tiny": 1e-05, "text": "café \u2028 \u0001"},
    ),
    (
        b'{"jsonrpc":"2.0","id":123456789012345678901234,"method":"tools/call",'
        b'"params":{"name":"t","arguments":{"n":-9223372036854775809}}}\n',
        {"n": -9223372036854775809},
    ),
    (
        b'{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"t","arguments":'
        b'{"lone":"\\ud800 x"}}}\n',
        {"lone": "\ud800 x"},
    ),
    (
        b'{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"t","arguments":'
        b'{"x":NaN,"y":[Infinity]}}}\n',
        {"x": None, "y": [None]},
    ),
    (
        b'{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"t","arguments":{"m":"after"}}}\n',
        {"m": "after"},
    ),
]


@pytest.mark.timeout(120)
def test_odd_json_values_are_recorded_sealed_and_verified(
    sandbox_home: Path, paths, keystore
) -> None:
    peer = RawPeer(shim(*RAW_ECHO), env_for(sandbox_home))
    for line, _ in CALLS:
        peer.send(line)
        assert peer.read_line() == line  # relayed unchanged
    peer.close_stdin()
    assert peer.wait() == 0
    spooled = [
        json.loads(raw)
        for f in paths.spool_dir.glob("*.jsonl")
        for raw in f.read_bytes().splitlines()
    ]
    assert spooled[-1]["kind"] == "session.end"  # the lone surrogate did not take the recorder down
    with Sealer(paths, settings(), keystore) as sealer:
        sealer.seal_pending()
    events = [e for _, e in sealed_events(paths)]
    calls = [e["body"] for e in events if e["kind"] == "tool.call"]
    assert [c["arguments"] for c in calls] == [arguments for _, arguments in CALLS]
    assert calls[1]["id"] == 123456789012345678901234
    assert not [e for e in events if e["kind"] == "protocol.anomaly"]  # every line was readable
    report = verify_ledger(paths, keystore=keystore, now=time.time(), stale_after=600, full=True)
    assert report.finding is None, report.finding
