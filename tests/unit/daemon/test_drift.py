"""Drift repair of one real config file against its desired state (engine write path, no daemon)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from hardener.daemon.drift import DriftGuard
from hardener.engine.context import EngineContext
from hardener.engine.desired import DesiredStateStore
from hardener.engine.harden import apply_all
from hardener.engine.restore import plan_restore
from hardener.paths import Platform, hardener_paths
from hardener.policy import SourceDocument, merge_sources
from hardener.settings import Settings
from tests.support.fixture_home import harden

ORIGINAL = """{
  "mcpServers": {
    "time": {"command": "uvx", "args": ["mcp-server-time"], "env": {"TZ": "UTC"}},
    "files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}
  },
  "other": [1, 2, 3]
}
"""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Env:
    def __init__(self, home: Path, shim: Path, policy: dict[str, Any], running=frozenset()):
        self.platform = Platform.current()
        self.settings = merge_sources([SourceDocument("user", "test", policy)]).settings
        self.shim = shim
        self.running = running
        self.events: list[tuple[str, Any]] = []
        self.clock = Clock()
        self.config = home / ".cursor" / "mcp.json"

    def ctx(self, platform: Platform, settings: Settings) -> EngineContext:
        return EngineContext(
            platform=platform,
            paths=hardener_paths(platform),
            settings=settings,
            shim=self.shim,
            running=frozenset(self.running),
        )

    def guard(self) -> DriftGuard:
        guard = DriftGuard(
            self.platform,
            self.settings,
            lambda kind, body: self.events.append((kind, body)),
            context_factory=self.ctx,
            clock=self.clock,
        )
        guard.start()
        return guard

    def document(self) -> dict[str, Any]:
        return json.loads(self.config.read_text())

    def replace(self, text: str) -> None:
        """Write like a client that saves by atomic rename."""
        tmp = self.config.with_name(".mcp.json.client-tmp")
        tmp.write_text(text)
        os.replace(tmp, self.config)

    def kinds(self) -> list[str]:
        return [k for k, _ in self.events]

    def actions(self) -> list[tuple[str, str]]:
        return [
            (c["server"], c["action"])
            for kind, body in self.events
            if kind.startswith("config.")
            for c in body["detail"]["changes"]
        ]


@pytest.fixture
def make_env(sandbox_home, tmp_path):
    shim = tmp_path / "bin" / "hardener-shim"
    shim.parent.mkdir()
    shim.write_text("#!/bin/sh\n")
    shim.chmod(0o755)

    def make(policy: dict[str, Any] | None = None, *, hardened: bool = True, **kw: Any) -> Env:
        env = Env(sandbox_home, shim, policy or {}, **kw)
        env.config.parent.mkdir(parents=True, exist_ok=True)
        env.config.write_text(ORIGINAL)
        if hardened:
            ctx = env.ctx(env.platform, env.settings)
            outcomes = harden(ctx, ctx.locations(["cursor"]))
            assert [o.status for o in outcomes] == ["changed"]
        return env

    return make


def wrapped(entry: dict[str, Any], shim: Path) -> bool:
    return entry["command"] == str(shim) and entry["args"][:1] == ["--client"]


def test_a_hardened_file_needs_nothing(make_env):
    env = make_env()
    guard = env.guard()
    assert env.config in guard.targets()
    assert guard.reconcile_all() is False
    assert env.events == []


def test_lost_wrapping_is_restored_and_recorded(make_env):
    env = make_env()
    guard = env.guard()
    env.replace(ORIGINAL.replace('"other": [1, 2, 3]', '"other": [1, 2, 3, 4]'))
    assert guard.reconcile(env.config) is True
    document = env.document()
    assert all(wrapped(e, env.shim) for e in document["mcpServers"].values())
    assert document["mcpServers"]["time"]["env"] == {"TZ": "UTC"}
    assert document["other"] == [1, 2, 3, 4]  # the client's own change is kept
    assert sorted(env.actions()) == [("files", "rewrap"), ("time", "rewrap")]
    ((kind, body),) = env.events
    assert kind == "config.drift"
    assert body["backup_id"]
    assert body["before_sha256"] != body["after_sha256"]
    # own write: recognised by its hash, nothing more happens
    assert guard.reconcile(env.config) is False
    assert len(env.events) == 1


def test_enforce_mode_also_alerts(make_env):
    env = make_env({"mode": "enforce"})
    guard = env.guard()
    env.replace(ORIGINAL)
    guard.reconcile(env.config)
    assert env.kinds() == ["config.drift", "alert"]
    assert env.events[1][1]["rule"] == "config.drift"


def test_changed_command_is_rewrapped_as_an_identity_change(make_env):
    env = make_env()
    guard = env.guard()
    env.replace(ORIGINAL.replace('"mcp-server-time"]', '"mcp-server-time==2.0"]'))
    guard.reconcile(env.config)
    assert ("time", "identity_change") in env.actions()
    assert env.events[0][1]["detail"]["identity_change"] is True
    state = DesiredStateStore(hardener_paths(env.platform).desired_state_dir).load(env.config)
    record = state.find(["mcpServers", "time"])
    assert record.original["args"] == ["mcp-server-time==2.0"]
    assert env.document()["mcpServers"]["time"]["args"][-1] == "mcp-server-time==2.0"


NEW_SERVER = '"new": {"command": "python", "args": ["-m", "srv"]},\n    "time"'


def _with_new_server(env: Env) -> str:
    return env.config.read_text().replace('"time"', NEW_SERVER, 1)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("wrap", "new_wrap"), ("quarantine", "new_quarantine"), ("report", "new_report")],
)
def test_new_server_follows_policy(make_env, policy, expected):
    env = make_env({"new_servers": policy})
    guard = env.guard()
    env.replace(_with_new_server(env))
    guard.reconcile(env.config)
    assert env.actions() == [("new", expected)]
    new = env.document()["mcpServers"]["new"]
    if policy == "wrap":
        assert wrapped(new, env.shim)
    elif policy == "quarantine":
        assert new == {"command": "python", "args": ["-m", "srv"], "disabled": True}
    else:
        assert new == {"command": "python", "args": ["-m", "srv"]}
        # reported once, not at every sweep
        env.replace(env.config.read_text() + "\n")
        guard.reconcile(env.config)
        assert env.actions() == [("new", "new_report")]


def test_wiped_block_is_rebuilt(make_env):
    env = make_env()
    guard = env.guard()
    hardened = env.document()["mcpServers"]
    env.replace('{\n  "other": [1, 2, 3]\n}\n')
    assert guard.reconcile(env.config) is True
    assert env.document()["mcpServers"] == hardened
    assert env.kinds() == ["config.reset_by_client"]
    assert sorted(env.actions()) == [("files", "rebuilt"), ("time", "rebuilt")]


def test_a_deleted_server_stays_deleted(make_env):
    env = make_env()
    guard = env.guard()
    document = env.document()
    del document["mcpServers"]["files"]
    env.replace(json.dumps(document, indent=2))
    assert guard.reconcile(env.config) is True
    assert env.actions() == [("files", "deleted")]
    assert "files" not in env.document()["mcpServers"]
    state = DesiredStateStore(hardener_paths(env.platform).desired_state_dir).load(env.config)
    assert state.find(["mcpServers", "files"]) is None
    env.replace(env.config.read_text() + "\n")
    assert guard.reconcile(env.config) is False
    assert len(env.events) == 1


def test_released_entries_are_left_alone(make_env):
    env = make_env()
    ctx = env.ctx(env.platform, env.settings)
    location = next(loc for loc in ctx.locations(["cursor"]) if loc.path == env.config)
    apply_all(ctx, [plan_restore(ctx, location, {"time"})], dry_run=False)
    guard = env.guard()
    assert guard.reconcile(env.config) is False
    assert env.document()["mcpServers"]["time"]["command"] == "uvx"
    assert env.events == []


def test_a_client_fighting_back_triggers_one_alert_and_backoff(make_env):
    env = make_env({"daemon": {"max_rewrites_per_minute": 2}})
    guard = env.guard()
    for _ in range(5):
        env.replace(ORIGINAL)
        guard.reconcile(env.config)
        env.clock.now += 1
    assert env.kinds().count("config.drift") == 2
    assert env.kinds().count("alert") == 1
    alert = next(b for k, b in env.events if k == "alert")
    assert alert["rule"] == "drift.loop"
    assert env.document()["mcpServers"]["time"]["command"] == "uvx"  # left alone meanwhile
    assert str(env.config) in guard.summary()["backoff"]
    env.clock.now += 1000  # back-off over: repaired again
    env.replace(ORIGINAL + " ")
    guard.reconcile(env.config)
    assert wrapped(env.document()["mcpServers"]["time"], env.shim)


def test_an_unparsable_file_is_left_untouched(make_env):
    env = make_env()
    guard = env.guard()
    env.replace('{"mcpServers": {')
    assert guard.reconcile(env.config) is False
    assert env.config.read_text() == '{"mcpServers": {'
    assert str(env.config) in guard.summary()["errors"]


def test_a_file_never_hardened_is_wrapped_on_sight(make_env):
    env = make_env(hardened=False)
    guard = env.guard()
    assert guard.reconcile(env.config) is True
    assert all(wrapped(e, env.shim) for e in env.document()["mcpServers"].values())
    commands = {c.server: c.argv for c in guard.server_commands()}
    assert commands["time"] == ("uvx", "mcp-server-time")
    assert "cursor" in guard.hardened_at()


def test_a_deleted_file_is_not_recreated(make_env):
    env = make_env()
    guard = env.guard()
    env.config.unlink()
    assert guard.reconcile(env.config) is False
    assert not env.config.exists()
    env.config.write_text(ORIGINAL)  # recreated by the client: repaired
    assert guard.reconcile(env.config) is True
    assert wrapped(env.document()["mcpServers"]["time"], env.shim)


def test_claude_desktop_is_not_edited_while_it_runs(make_env, sandbox_home):
    env = make_env(running={"Claude", "claude-desktop"})
    config = sandbox_home / ".config" / "Claude" / "claude_desktop_config.json"
    config.parent.mkdir(parents=True)
    config.write_text('{"mcpServers": {"a": {"command": "x", "args": []}}}')
    guard = env.guard()
    assert config in guard.targets()
    assert guard.reconcile(config) is False
    assert config.read_text() == '{"mcpServers": {"a": {"command": "x", "args": []}}}'
    assert str(config) in guard.summary()["deferred"]
    env.running = frozenset()  # the client quit: the next sweep repairs it
    assert guard.reconcile(config) is True
    assert "hardener-shim" in config.read_text()
