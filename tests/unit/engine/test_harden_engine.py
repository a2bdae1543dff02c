"""harden then restore on every client's fixture home: byte-identical, idempotent, recorded."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

import jsonschema
import pytest

from hardener.backup import BackupStore
from hardener.clients.entries import Kind, classify
from hardener.engine.desired import DesiredStateStore
from hardener.engine.harden import apply_all
from hardener.engine.restore import plan_restore
from hardener.engine.scan import scan
from hardener.policy import load_schema
from tests.support.fixture_home import context, fixture_clients, harden, install, snapshot


def restore_all(ctx, only=()):
    plans = [
        plan_restore(ctx, loc, set(only)) for loc in ctx.locations() if loc.exists and loc.writable
    ]
    return apply_all(ctx, plans, dry_run=False)


def changed(outcomes):
    return [o for o in outcomes if o.status == "changed"]


def errors(outcomes):
    return [(str(o.plan.location.path), o.error.message) for o in outcomes if o.error is not None]


@pytest.mark.parametrize("client", fixture_clients())
def test_fixture_round_trip_is_byte_identical(tmp_path, client):
    home = tmp_path / "home"
    home.mkdir()
    install(home, [client])
    before = snapshot(home)
    ctx = context(home)

    first = harden(ctx, ctx.locations())
    assert errors(first) == []
    if client != "jetbrains":
        assert changed(first), "every fixture has at least one stdio server"
    hardened = snapshot(home)

    report = scan(ctx)
    leftover = [f for f in report.findings() if f.kind == "unwrapped" and f.client == client]
    assert leftover == [], "every stdio server in a writable file is wrapped"

    second = harden(ctx, ctx.locations())
    assert changed(second) == []
    assert errors(second) == []
    assert snapshot(home) == hardened

    restored = restore_all(ctx)
    assert errors(restored) == []
    assert all(c.exact for o in restored for c in o.plan.changes)
    assert snapshot(home) == before


def test_wrapped_files_parse_with_the_clients_own_parsers(tmp_path):
    install(
        tmp_path,
        [c for c in fixture_clients() if c in ("claude-desktop", "claude-code", "codex", "cline")],
    )
    ctx = context(tmp_path)
    outcomes = changed(harden(ctx, ctx.locations()))
    assert len(outcomes) >= 4
    for outcome in outcomes:
        path = outcome.plan.location.path
        data = path.read_bytes()
        parsed = tomllib.loads(data.decode()) if path.suffix == ".toml" else json.loads(data)
        assert parsed


def test_harden_records_backups_desired_state_and_events(tmp_path):
    install(tmp_path, ["claude-desktop", "cursor"])
    ctx = context(tmp_path)
    originals = {
        str(p): p.read_bytes()
        for p in (
            tmp_path / ".config/Claude/claude_desktop_config.json",
            tmp_path / ".cursor/mcp.json",
        )
    }
    outcomes = changed(harden(ctx, ctx.locations()))
    assert len(outcomes) == 2

    store = BackupStore(ctx.paths.backups_dir)
    for outcome in outcomes:
        _, data = store.get(outcome.backup_id)
        assert data == originals[str(outcome.plan.location.path)]

    desired = DesiredStateStore(ctx.paths.desired_state_dir)
    state = desired.load(tmp_path / ".config/Claude/claude_desktop_config.json")
    assert state is not None
    assert [e.name for e in state.entries] == ["filesystem", "github", "memory", "my notes été ☃"]
    memory = state.find(["mcpServers", "memory"])
    assert memory is not None
    assert memory.original["command"] == "cmd"
    assert memory.wrapped["args"][-5:] == [
        "cmd",
        "/c",
        "npx",
        "-y",
        "@modelcontextprotocol/server-memory",
    ]
    assert memory.wrapped["env"] == memory.original["env"]
    state_file = desired.path_for(tmp_path / ".config/Claude/claude_desktop_config.json")
    assert stat.S_IMODE(os.stat(state_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(state_file.parent).st_mode) == 0o700

    events = [
        json.loads(line)
        for spool in sorted(ctx.paths.spool_dir.glob("*.jsonl"))
        for line in spool.read_text().splitlines()
    ]
    schema = load_schema("event.schema.json")
    for event in events:
        jsonschema.validate(event, schema)
    assert [e["kind"] for e in events] == ["config.harden"] * 5
    assert {e["body"]["servers"][0] for e in events} >= {"filesystem", "local-db"}
    body = events[0]["body"]
    assert body["backup_id"]
    assert body["before_sha256"] != body["after_sha256"]
    assert "ghp_EXAMPLE" not in json.dumps(events)

    restore_all(ctx)
    after = desired.load(tmp_path / ".config/Claude/claude_desktop_config.json")
    assert after is not None
    assert after.entries == []
    assert {r["name"] for r in after.released} == {
        "filesystem",
        "github",
        "memory",
        "my notes été ☃",
    }


def test_a_run_that_changes_nothing_writes_nothing(tmp_path):
    install(tmp_path, ["cursor"])
    ctx = context(tmp_path)
    harden(ctx, ctx.locations())
    spools = sorted(ctx.paths.spool_dir.glob("*"))
    harden(ctx, ctx.locations())
    assert sorted(ctx.paths.spool_dir.glob("*")) == spools


def test_dry_run_changes_nothing_and_diffs(tmp_path):
    install(tmp_path, ["vscode"])
    before = snapshot(tmp_path)
    ctx = context(tmp_path)
    outcomes = harden(ctx, ctx.locations(), dry_run=True)
    assert snapshot(tmp_path) == before
    assert not ctx.paths.state_dir.exists() or not ctx.paths.desired_state_dir.exists()
    pending = [o for o in outcomes if o.status == "would_change"]
    assert len(pending) == 2
    diff = pending[0].plan.diff()
    assert diff.startswith("--- a")
    assert '-\t\t\t"command": "npx",' in diff
    assert '+\t\t\t"command": ' in diff


def test_scan_classifies_every_fixture_server(tmp_path):
    install(tmp_path)
    ctx = context(tmp_path)
    report = scan(ctx)
    states = {(c.id, s.name): s.state for c in report.clients for f in c.files for s in f.servers}
    assert states[("claude-code", "notion")] in ("remote", "unwrapped")
    assert states[("zed", "mcp-server-github")] == "extension"
    assert states[("zed", "nested")] == "unwrapped"
    assert states[("windsurf", "figma")] == "remote"
    kinds = {f.kind for f in report.findings()}
    assert {
        "unwrapped",
        "remote_not_audited",
        "literal_secret",
        "read_only",
        "report_only",
    } <= kinds
    secrets = [f for f in report.findings() if f.kind == "literal_secret"]
    assert all("EXAMPLE" not in f.message for f in secrets)
    summary = report.summary()
    assert summary["servers"] >= 30
    assert summary["wrapped"] == 0


def test_every_wrapped_entry_classifies_as_wrapped(tmp_path):
    install(tmp_path)
    ctx = context(tmp_path)
    harden(ctx, ctx.locations())
    for loc in ctx.locations():
        state = DesiredStateStore(ctx.paths.desired_state_dir).load(loc.path)
        for record in state.entries if state else []:
            info = classify(loc.client.entry, record.wrapped)
            assert info.kind is Kind.WRAPPED
            assert info.shim is not None
            assert info.shim.server == record.name
            assert info.shim.client == loc.client.id
            assert Path(info.launch.command).is_absolute()  # type: ignore[union-attr]
