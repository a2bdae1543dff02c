"""The agent loop in-process with a recording sealer: sealing, ticks, drift notices, shutdown."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from typing import Any

import pytest

from hardener.daemon.agent import Agent
from hardener.daemon.heartbeat import read_heartbeat
from hardener.daemon.sealing import SealingService
from hardener.errors import KeychainError
from hardener.paths import Platform, hardener_paths
from hardener.policy import EffectivePolicy, SourceDocument, merge_sources


class RecordingSealer:
    def __init__(self, paths: Any, policy: Any, keystore: Any) -> None:
        self.sealed = 0
        self.ticks = 0
        self.appended: list[tuple[str, Any]] = []
        self.closed = False
        self.pending = 0

    def seal_pending(self) -> int:
        count, self.pending = self.pending, 0
        self.sealed += count
        return count

    def tick(self) -> None:
        self.ticks += 1

    def append(self, kind: str, body: Mapping[str, object]) -> int:
        self.appended.append((kind, body))
        return len(self.appended)

    def close(self) -> None:
        self.closed = True


class KeyInfo:
    name = "keyring.backends.SecretService.Keyring"
    real = True


class FakeKeystore:
    info = KeyInfo()


class FakeDrift:
    def __init__(self, targets: list[Any]) -> None:
        self._targets = targets
        self.reconciled: list[Any] = []
        self.started = False

    def start(self) -> None:
        self.started = True

    def refresh(self) -> None:
        pass

    def targets(self) -> list[Any]:
        return self._targets

    def reconcile_all(self) -> bool:
        return False

    def reconcile(self, path: Any) -> bool:
        self.reconciled.append(path)
        return True

    def take_retries(self) -> set[Any]:
        return set()

    def summary(self) -> dict[str, Any]:
        return {"watched_files": len(self._targets)}


def policy(**settings: Any) -> EffectivePolicy:
    return (
        merge_sources([SourceDocument("user", "test", settings)])
        if settings
        else (EffectivePolicy.defaults())
    )


def wait_for(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


@pytest.fixture
def platform(sandbox_home):
    return Platform.current()


def fake_keystore(pol: Any) -> Any:
    return FakeKeystore()


def make_agent(platform: Platform, drift: Any = None, **settings: Any) -> tuple[Agent, list[Any]]:
    sealers: list[RecordingSealer] = []

    def factory(paths: Any, pol: Any, keystore: Any) -> RecordingSealer:
        sealers.append(RecordingSealer(paths, pol, keystore))
        return sealers[-1]

    pol = policy(**settings)
    sealing = SealingService(
        hardener_paths(platform),
        pol.settings,
        keystore_factory=fake_keystore,
        sealer_factory=factory,
    )
    return Agent(platform, pol, sealing=sealing, drift=drift), sealers


def test_run_once_seals_beats_and_closes(platform):
    agent, sealers = make_agent(platform)
    assert agent.run(once=True) == 0
    (sealer,) = sealers
    assert sealer.closed
    beat = read_heartbeat(agent.paths)
    assert beat is not None
    assert beat["state"] == "stopped"
    assert beat["sealing"]["ok"] is True
    assert beat["sealing"]["backend_real"] is True
    assert not agent.lock.held


def test_loop_reacts_to_spool_and_config_changes_then_stops(platform, sandbox_home):
    config = sandbox_home / ".cursor" / "mcp.json"
    config.parent.mkdir(parents=True)
    config.write_text("{}")
    drift = FakeDrift([config])
    agent, sealers = make_agent(platform, drift)
    thread = threading.Thread(target=agent.run, name="agent-under-test")
    thread.start()
    try:
        wait_for(lambda: _state(agent) == "running")
        sealer = sealers[0]
        sealer.pending = 3
        (agent.paths.spool_dir / "s.jsonl").write_text("{}\n")
        wait_for(lambda: sealer.sealed == 3)
        config.write_text('{"a": 1}')
        wait_for(lambda: config in drift.reconciled)
        wait_for(lambda: sealer.ticks >= 1)
    finally:
        agent.request_stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert sealers[0].closed
    assert json.loads((agent.paths.public_dir / "status.json").read_text())["state"] == "stopped"


def test_alerts_are_sealed_and_summarised(platform):
    agent, sealers = make_agent(platform)
    agent.lock.acquire()
    try:
        agent.sealing.start()
        agent.record("alert", {"rule": "drift.loop", "severity": "high"})
        agent.record("alert", {"rule": "x", "severity": "low"})
        summary = agent.heartbeat_document()["alerts"]
    finally:
        agent.sealing.close()
        agent.lock.release()
        agent.inbox.close()
    assert summary["high_24h"] == 1
    assert summary["total_24h"] == 2
    assert [k for k, _ in sealers[0].appended] == ["alert", "alert"]


def test_without_keychain_events_wait_in_the_spool(platform):
    def no_keychain(pol: Any) -> Any:
        raise KeychainError("no usable OS keychain: test")

    paths = hardener_paths(platform)
    sealing = SealingService(paths, policy().settings, keystore_factory=no_keychain)
    assert sealing.start() is False
    assert "no usable OS keychain" in (sealing.problem or "")
    assert sealing.seal() == 0
    assert sealing.append("config.drift", {"file": "f"}) is None
    sealing.close()
    (spool,) = list(paths.spool_dir.glob("*.jsonl"))
    events = [json.loads(line) for line in spool.read_text().splitlines()]
    assert [e["kind"] for e in events] == ["session.start", "config.drift", "session.end"]
    assert events[1]["client"] == "hardener"
    assert sealing.backlog()["files"] == 1


def test_sealing_recovers_when_the_keychain_comes_back(platform):
    state = {"ok": False}

    def flaky(pol: Any) -> Any:
        if not state["ok"]:
            raise KeychainError("locked")
        return FakeKeystore()

    sealing = SealingService(
        hardener_paths(platform),
        policy().settings,
        keystore_factory=flaky,
        sealer_factory=RecordingSealer,
    )
    assert not sealing.start()
    state["ok"] = True
    assert sealing.start()
    assert sealing.problem is None
    sealing.close()


class BrokenDrift(FakeDrift):
    def reconcile(self, path: Any) -> bool:
        self.reconciled.append(path)
        raise RuntimeError("a bug in a repair")


def test_a_failing_repair_does_not_stop_the_agent(platform, sandbox_home):
    config = sandbox_home / ".cursor" / "mcp.json"
    config.parent.mkdir(parents=True)
    config.write_text("{}")
    drift = BrokenDrift([config])
    agent, sealers = make_agent(platform, drift)
    thread = threading.Thread(target=agent.run, name="agent-under-test")
    thread.start()
    try:
        wait_for(lambda: _state(agent) == "running")
        config.write_text('{"a": 1}')
        wait_for(lambda: config in drift.reconciled)
        sealers[0].pending = 2
        (agent.paths.spool_dir / "s.jsonl").write_text("{}\n")
        wait_for(lambda: sealers[0].sealed == 2)  # still sealing after the failure
        assert thread.is_alive()
    finally:
        agent.request_stop()
        thread.join(timeout=30)
    assert not thread.is_alive()


def _state(agent: Agent) -> str | None:
    beat = read_heartbeat(agent.paths)
    return beat["state"] if beat is not None else None
