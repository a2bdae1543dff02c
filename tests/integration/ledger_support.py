"""Shared helpers for the ledger's integration tests: the real keychain, policies, spool writers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hardener.keystore import KeyStore, open_keystore
from hardener.ledger.query import iter_records, view
from hardener.ledger.store import read_public
from hardener.paths import HardenerPaths, Platform, hardener_paths
from hardener.policy import SourceDocument, merge_sources
from hardener.settings import Settings
from hardener.spool import SpoolWriter


def require_keychain() -> None:
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return
    if os.environ.get("CI"):
        pytest.fail("CI must run the keychain tests under dbus-run-session with gnome-keyring")
    pytest.skip("no session D-Bus; run the suite through scripts/test")


@pytest.fixture(name="keystore")
def keystore_fixture(sandbox_home: Path) -> Iterator[KeyStore]:
    """The real OS keychain (Secret Service); the ledger's items are removed afterwards."""
    require_keychain()
    store = open_keystore()
    yield store
    public = read_public(hardener_paths(Platform.current()))
    if public is not None:
        for suffix in ("state", "seed0"):
            store.delete(f"ledger/{public['log_id']}/{suffix}")
    store.close()


@pytest.fixture(name="paths")
def paths_fixture(sandbox_home: Path) -> HardenerPaths:
    return hardener_paths(Platform.current())


def settings(**values: Any) -> Settings:
    """The defaults overlaid with ``ledger__checkpoint_records=5`` style values, through a policy
    source as a user's file would give them."""
    data: dict[str, Any] = {}
    for key, value in values.items():
        table, _, leaf = key.partition("__")
        data.setdefault(table, {})[leaf] = value
    return merge_sources([SourceDocument("user", "test", data)]).settings


def write_session(
    paths: HardenerPaths,
    events: int,
    *,
    end: bool = True,
    client: str = "cursor",
    server: str = "github",
    tool: str = "search",
) -> SpoolWriter:
    writer = SpoolWriter(paths, client=client, server=server)
    writer.emit("session.start", {"pid": os.getpid(), "transport": "stdio"})
    for i in range(events):
        writer.emit("tool.call", {"id": i, "tool": tool, "arguments": {"q": f"query {i}"}})
        writer.emit("tool.result", {"id": i, "tool": tool, "status": "ok", "duration_ms": 3})
    if end:
        writer.emit("session.end", {"reason": "client_closed"})
    writer.close()
    return writer


def sealed_events(paths: HardenerPaths) -> list[tuple[int, dict[str, Any]]]:
    """(seq, event) of every sealed event, in ledger order."""
    out = []
    for record in iter_records(paths.ledger_dir):
        item = view(record)
        if item is not None and item.event:
            out.append((record.seq, item.event))
    return out


class Clock:
    """A settable clock for epoch and retention tests (the sealer takes ``clock=``)."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now
