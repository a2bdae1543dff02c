"""Edge cases: odd bytes, odd shapes, bad input, races, policies, bridges, partial restores."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from hardener.clients.managed import ManagedRules
from hardener.engine.desired import DesiredStateStore
from hardener.engine.harden import apply_all, plan_harden
from hardener.engine.plan import EventSink, apply_plan
from hardener.engine.restore import plan_restore
from hardener.engine.scan import scan
from hardener.errors import WriteConflictError
from hardener.formats.registry import codec_for
from tests.support.fixture_home import context, copy_edge, harden, install, snapshot

CURSOR = ".cursor/mcp.json"


def restore_all(ctx, only=()):
    plans = [
        plan_restore(ctx, loc, set(only)) for loc in ctx.locations() if loc.exists and loc.writable
    ]
    return apply_all(ctx, plans, dry_run=False)


def outcome_for(outcomes, path):
    return next(o for o in outcomes if o.plan.location.path == path)


def round_trip(tmp_path, edge, rel=CURSOR):
    target = copy_edge(edge, tmp_path / rel)
    original = target.read_bytes()
    ctx = context(tmp_path)
    outcome = outcome_for(harden(ctx, ctx.locations()), target)
    hardened = target.read_bytes()
    restore_all(ctx)
    assert target.read_bytes() == original
    return outcome, original, hardened


def test_bom_and_crlf_survive(tmp_path):
    outcome, original, hardened = round_trip(tmp_path, "bom_crlf.json")
    assert outcome.status == "changed"
    assert hardened.startswith(b"\xef\xbb\xbf{\r\n")
    assert b"\n" not in hardened.replace(b"\r\n", b"")
    assert hardened.count(b"\r\n") > original.count(b"\r\n")  # the args list grew, in CRLF


def test_duplicate_keys_edit_the_last_occurrence_only(tmp_path):
    _, _, hardened = round_trip(tmp_path, "duplicate_keys.json")
    assert b'"a": { "command": "first", "args": [] }' in hardened
    assert hardened.count(b"hardener-shim") == 1
    assert b'"second"' in hardened


def test_entries_hardener_does_not_understand_are_left_alone(tmp_path):
    outcome, original, hardened = round_trip(tmp_path, "non_objects.json")
    assert [c.name for c in outcome.plan.changes] == ["good"]
    problems = {f.server: f.message for f in outcome.plan.findings if f.kind == "invalid_entry"}
    assert set(problems) == {"string", "null", "list", "bad-command", "bad-args"}
    assert "not an object" in problems["string"]
    assert "'args' is not a list of strings" in problems["bad-args"]
    prefix = original.split(b'"good"')[0]
    assert hardened.startswith(prefix)


@pytest.mark.parametrize("edge", ["empty_table.json", "list_table.json"])
def test_nothing_to_wrap(tmp_path, edge):
    outcome, original, hardened = round_trip(tmp_path, edge)
    assert outcome.status == "unchanged"
    assert hardened == original


def test_a_table_of_the_wrong_shape_is_reported(tmp_path):
    copy_edge("list_table.json", tmp_path / CURSOR)
    report = scan(context(tmp_path), ["cursor"])
    assert [f.kind for f in report.findings()] == ["invalid_table"]


@pytest.mark.parametrize(
    ("edge", "where"), [("broken.json", ":3:26:"), ("empty_file.json", ":1:1:")]
)
def test_unparsable_file_is_reported_with_line_and_column_and_left_alone(tmp_path, edge, where):
    install(tmp_path, ["claude-desktop"])
    target = copy_edge(edge, tmp_path / CURSOR)
    original = target.read_bytes()
    ctx = context(tmp_path)
    outcomes = harden(ctx, ctx.locations())
    broken = outcome_for(outcomes, target)
    assert broken.status == "error"
    assert f"{target}{where}" in broken.error.message
    assert target.read_bytes() == original
    assert [o.status for o in outcomes if o is not broken] == ["changed"]
    findings = [f for f in scan(ctx, ["cursor"]).findings() if f.kind == "unparsable"]
    assert len(findings) == 1
    assert f"{target}{where}" in findings[0].message


def test_already_wrapped_entries_are_never_wrapped_twice(tmp_path):
    target = copy_edge("already_wrapped.json", tmp_path / CURSOR)
    ctx = context(tmp_path)
    report = scan(ctx, ["cursor"])
    assert {f.kind for f in report.findings()} == {"stale_shim", "unwrapped"}
    outcome = outcome_for(harden(ctx, ctx.locations()), target)
    assert [c.name for c in outcome.plan.changes] == ["plain"]
    document = json.loads(target.read_bytes())
    assert document["mcpServers"]["wrapped"]["command"] == "/opt/old-hardener/bin/hardener-shim"
    assert document["mcpServers"]["wrapped"]["args"].count("--client") == 1
    restore_all(ctx)
    document = json.loads(target.read_bytes())
    assert document["mcpServers"] == {
        "wrapped": {"command": "npx", "args": ["-y", "pkg"]},
        "plain": {"command": "uvx", "args": ["mcp-server-fetch"]},
    }


def test_escaped_unicode_and_windows_paths(tmp_path):
    _, _, hardened = round_trip(tmp_path, "escaped_unicode.json")
    document = json.loads(hardened)
    entry = document["mcpServers"]["文件"]
    assert entry["args"][:5] == ["--client", "cursor", "--server", "文件", "--"]
    assert entry["args"][5:] == ["C:\\Tools\\srv.exe", "--name", "café"]
    assert b'"env":{"X":"\\ud83d\\ude00"}' in hardened
    assert b'"\\u6587\\u4ef6":' in hardened


def test_a_five_megabyte_file(tmp_path):
    install(tmp_path, ["claude-code"])
    target = tmp_path / ".claude.json"
    document_text = target.read_text()
    filler = json.dumps({f"k{i:05d}": "x" * 90 for i in range(52_000)})
    big = document_text.replace(
        '"numStartups": 41,', f'"cachedStatsig": {filler},\n  "numStartups": 41,'
    )
    target.write_text(big)
    assert target.stat().st_size > 5_000_000
    ctx = context(tmp_path)
    outcome = outcome_for(harden(ctx, ctx.locations()), target)
    assert outcome.status == "changed"
    assert len(outcome.plan.changes) == 3
    restore_all(ctx)
    assert target.read_text() == big


def test_a_symlinked_config_is_edited_at_its_target(tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = copy_edge("already_wrapped.json", dotfiles / "cursor-mcp.json")
    original = real.read_bytes()
    (tmp_path / ".cursor").mkdir()
    os.symlink(real, tmp_path / CURSOR)
    ctx = context(tmp_path)
    harden(ctx, ctx.locations())
    assert (tmp_path / CURSOR).is_symlink()
    assert real.read_bytes() != original
    assert real.read_bytes().count(b"hardener-shim") == 2
    restore_all(ctx, only=["plain"])
    assert (tmp_path / CURSOR).is_symlink()
    assert real.read_bytes() == original


def test_a_file_changed_between_read_and_write_is_not_written(tmp_path):
    install(tmp_path, ["cursor"])
    target = tmp_path / CURSOR
    ctx = context(tmp_path)
    location = next(loc for loc in ctx.locations() if loc.path == target)
    plan = plan_harden(ctx, location)
    assert plan.changed
    concurrent = target.read_bytes().replace(b"context7", b"context8")
    target.write_bytes(concurrent)
    outcome = apply_plan(ctx, plan, EventSink(ctx))
    assert outcome.status == "error"
    assert isinstance(outcome.error, WriteConflictError)
    assert "changed while hardener was working on it" in outcome.error.message
    assert target.read_bytes() == concurrent
    assert DesiredStateStore(ctx.paths.desired_state_dir).load(target) is None


def test_a_directory_where_a_config_should_be(tmp_path):
    (tmp_path / CURSOR).mkdir(parents=True)
    ctx = context(tmp_path)
    outcomes = harden(ctx, ctx.locations())
    outcome = outcome_for(outcomes, tmp_path / CURSOR)
    assert outcome.status == "error"
    assert "is a directory" in outcome.error.message
    assert [f.kind for f in scan(ctx, ["cursor"]).findings()] == ["unreadable"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits")
def test_permission_denied(tmp_path):
    target = copy_edge("empty_table.json", tmp_path / CURSOR)
    target.chmod(0)
    try:
        ctx = context(tmp_path)
        outcome = outcome_for(harden(ctx, ctx.locations()), target)
        assert "permission denied" in outcome.error.message
    finally:
        target.chmod(0o600)


def test_claude_desktop_is_not_edited_while_it_runs(tmp_path):
    install(tmp_path, ["claude-desktop", "cursor"])
    before = snapshot(tmp_path)
    ctx = context(tmp_path, running=frozenset({"Claude", "bash"}))
    outcomes = harden(ctx, ctx.locations())
    desktop = tmp_path / ".config/Claude/claude_desktop_config.json"
    blocked = outcome_for(outcomes, desktop)
    assert blocked.status == "error"
    assert "Claude Desktop is running" in blocked.error.message
    assert "Quit Claude Desktop" in blocked.error.remedy
    assert (tmp_path / ".config/Claude/claude_desktop_config.json").read_bytes() == before[
        ".config/Claude/claude_desktop_config.json"
    ]
    assert outcome_for(outcomes, tmp_path / CURSOR).status == "changed"
    report = scan(ctx, ["claude-desktop"])
    assert "quit_required" in {f.kind for f in report.findings()}
    assert report.clients[0].running


def test_a_managed_command_allowlist_blocks_wrapping(tmp_path):
    install(tmp_path, ["claude-code"])
    ctx = context(tmp_path, managed=ManagedRules(claude_code_commands=(("npx", "-y", "x"),)))
    before = snapshot(tmp_path)
    outcomes = harden(ctx, ctx.locations())
    assert all(o.status == "unchanged" for o in outcomes)
    assert snapshot(tmp_path) == before
    blocked = [f for o in outcomes for f in o.plan.findings if f.kind == "managed_block"]
    assert {f.server for f in blocked} == {"playwright", "postgres", "notion"}
    states = {s.name: s.state for c in scan(ctx).clients for f in c.files for s in f.servers}
    assert states["playwright"] == "blocked"


def test_codex_identity_blocks_only_that_server(tmp_path):
    install(tmp_path, ["codex"])
    ctx = context(tmp_path, managed=ManagedRules(codex_identities={"context7": {"command": "npx"}}))
    outcome = harden(ctx, ctx.locations())[0]
    assert [c.name for c in outcome.plan.changes] == ["chrome_devtools"]


def test_disabled_entries_are_wrapped_unless_policy_says_otherwise(tmp_path):
    install(tmp_path, ["cline"])
    legacy = (
        tmp_path
        / ".config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json"
    )
    ctx = context(tmp_path, harden__wrap_disabled=False)
    assert outcome_for(harden(ctx, ctx.locations()), legacy).status == "unchanged"
    ctx = context(tmp_path)
    assert outcome_for(harden(ctx, ctx.locations()), legacy).status == "changed"


def test_remote_entries_are_bridged_when_policy_says_so(tmp_path):
    install(tmp_path, ["cursor", "windsurf", "codex", "goose"])
    before = snapshot(tmp_path)
    ctx = context(tmp_path, remote_servers="bridge")
    outcomes = harden(ctx, ctx.locations())
    bridged = {
        c.name: o.plan.location.client.id
        for o in outcomes
        for c in o.plan.changes
        if c.action == "bridge"
    }
    # linear (goose) has no static credentials: Goose signs in to it with OAuth, left as is
    assert bridged == {"context7": "cursor", "figma": "windsurf"}
    cursor = json.loads((tmp_path / CURSOR).read_text())["mcpServers"]["context7"]
    assert set(cursor) == {"command", "args"}
    assert cursor["args"] == [
        "--client", "cursor", "--server", "context7", "--url", "https://mcp.context7.com/mcp",
        "--header", "CONTEXT7_API_KEY:${env:CONTEXT7_API_KEY}",
    ]  # fmt: skip
    goose = codec_for("yaml").parse((tmp_path / ".config/goose/config.yaml").read_text())
    linear = goose["extensions"]["linear"]
    assert (linear["type"], linear["uri"]) == ("streamable_http", "https://mcp.linear.app/mcp")
    goose_findings = [f.message for o in outcomes for f in o.plan.findings if f.server == "linear"]
    assert any("client-managed OAuth" in m for m in goose_findings), goose_findings
    codex_findings = [f for o in outcomes for f in o.plan.findings if f.client == "codex"]
    assert any("bearer_token_env_var" in f.message for f in codex_findings)
    restore_all(ctx)
    assert snapshot(tmp_path) == before


def test_a_bridge_without_desired_state_comes_back_from_the_backup(tmp_path):
    install(tmp_path, ["cursor"])
    original = json.loads((tmp_path / CURSOR).read_text())
    ctx = context(tmp_path, remote_servers="bridge")
    harden(ctx, ctx.locations())
    shutil.rmtree(ctx.paths.desired_state_dir)
    outcome = restore_all(ctx)[0]
    assert {c.name: c.exact for c in outcome.plan.changes} == {"context7": False, "local-db": False}
    assert json.loads((tmp_path / CURSOR).read_text()) == original


def test_an_entry_without_args_gets_them_and_loses_them_again(tmp_path):
    install(tmp_path, ["vscode"])
    target = tmp_path / ".config/Code/User/mcp.json"
    original = target.read_text()
    ctx = context(tmp_path)
    harden(ctx, ctx.locations())
    wrapped = codec_for("jsonc").parse(target.read_text())["servers"]["no-args"]
    assert wrapped["args"][-2:] == ["--", "/usr/local/bin/tool-mcp"]
    assert "/* trailing */" in target.read_text()
    restore_all(ctx)
    assert target.read_text() == original
    # without the desired state the values come back; args stays, empty (documented)
    harden(ctx, ctx.locations())
    shutil.rmtree(ctx.paths.desired_state_dir)
    restore_all(ctx)
    restored = codec_for("jsonc").parse(target.read_text())["servers"]["no-args"]
    assert restored == {"command": "/usr/local/bin/tool-mcp", "args": []}


def test_restore_keeps_what_the_client_changed_meanwhile(tmp_path):
    install(tmp_path, ["cline"])
    target = tmp_path / ".cline/data/settings/cline_mcp_settings.json"
    original = target.read_text()
    ctx = context(tmp_path)
    harden(ctx, ctx.locations())
    toggled = target.read_text().replace(
        '"disabled": false,\n      "autoApprove": ["brave_web_search"]',
        '"disabled": true,\n      "autoApprove": ["brave_web_search"]',
    )
    assert toggled != target.read_text()
    target.write_text(toggled)
    outcome = outcome_for(restore_all(ctx), target)
    assert [c.exact for c in outcome.plan.changes] == [True]
    assert target.read_text() == original.replace(
        '"disabled": false,\n      "autoApprove": ["brave_web_search"]',
        '"disabled": true,\n      "autoApprove": ["brave_web_search"]',
    )


def test_restore_after_the_client_reformatted_its_file(tmp_path):
    install(tmp_path, ["claude-desktop"])
    target = tmp_path / ".config/Claude/claude_desktop_config.json"
    original = json.loads(target.read_text())
    ctx = context(tmp_path)
    harden(ctx, ctx.locations())
    target.write_text(json.dumps(json.loads(target.read_text()), indent=2))  # as the app writes it
    outcome = restore_all(ctx)[0]
    assert outcome.status == "changed"
    assert not any(c.exact for c in outcome.plan.changes)
    assert json.loads(target.read_text()) == original


def test_restore_one_server_only(tmp_path):
    install(tmp_path, ["claude-code"])
    ctx = context(tmp_path)
    harden(ctx, ctx.locations())
    outcomes = restore_all(ctx, only=["postgres"])
    restored = [c.name for o in outcomes for c in o.plan.changes]
    assert restored == ["postgres", "postgres"]
    document = json.loads((tmp_path / ".claude.json").read_text())
    assert document["mcpServers"]["playwright"]["command"].endswith("hardener-shim")
    state = DesiredStateStore(ctx.paths.desired_state_dir).load(tmp_path / ".claude.json")
    assert [e.name for e in state.entries] == ["playwright"]
    assert [r["name"] for r in state.released] == ["postgres", "postgres"]
    # hardening again wraps the released servers and takes them off the released list
    harden(ctx, ctx.locations())
    state = DesiredStateStore(ctx.paths.desired_state_dir).load(tmp_path / ".claude.json")
    assert state.released == []


def test_corrupt_desired_state_is_an_error_not_an_empty_state(tmp_path):
    install(tmp_path, ["cursor"])
    ctx = context(tmp_path)
    harden(ctx, ctx.locations())
    store = DesiredStateStore(ctx.paths.desired_state_dir)
    path = store.path_for(tmp_path / CURSOR)
    path.write_text("{ not json")
    outcome = restore_all(ctx)[0]
    assert outcome.status == "error"
    assert "corrupt" in outcome.error.message
    assert path.read_text() == "{ not json"


def test_a_goose_extension_with_a_static_header_is_bridged_as_stdio(tmp_path):
    install(tmp_path, ["goose"])
    config = tmp_path / ".config/goose/config.yaml"
    text = config.read_text()
    assert text.count("    headers: {}\n    name: linear\n") == 1
    config.write_text(
        text.replace(
            "    headers: {}\n    name: linear\n",
            "    headers: {Authorization: Bearer lin_x}\n    name: linear\n",
        )
    )
    before = snapshot(tmp_path)
    ctx = context(tmp_path, remote_servers="bridge")
    outcomes = harden(ctx, ctx.locations())
    assert [c.name for o in outcomes for c in o.plan.changes if c.action == "bridge"] == ["linear"]
    linear = codec_for("yaml").parse(config.read_text())["extensions"]["linear"]
    assert linear["type"] == "stdio"
    assert "uri" not in linear
    assert linear["cmd"].endswith("hardener-shim")
    restore_all(ctx)
    assert snapshot(tmp_path) == before
