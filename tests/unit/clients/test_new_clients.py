"""Copilot CLI, Qwen Code, opencode, Cline 3.x, Kiro, Roo, Antigravity and the smaller clients.

The Copilot, Qwen, opencode and Cline fixtures are files those clients' own ``mcp add`` verbs
wrote (captured from the npm packages pinned in ``tests/package.json``); the others follow the
shapes in each client's documentation. Every test runs the real engine on a sandbox home.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hardener.clients import registry
from hardener.clients.discovery import project_dirs
from hardener.clients.entries import Kind, classify
from hardener.clients.projects import folder_uri, recorded_projects
from hardener.engine.desired import DesiredStateStore
from hardener.engine.fs import RealFs
from hardener.engine.harden import apply_all
from hardener.engine.restore import plan_restore
from hardener.engine.scan import scan
from hardener.formats.registry import codec_for
from hardener.paths import OS, Platform
from tests.support.client_paths import LINUX, MAC, WIN, FakeFs, user_paths
from tests.support.fixture_home import context, copy_edge, harden, install, snapshot

OPENCODE = ".config/opencode/opencode.jsonc"
CLINE = ".cline/data/settings/cline_mcp_settings.json"
#: what ``cline mcp add --yes`` (Cline CLI 3.0.65) wrote: nested ``transport`` entries
CLINE3 = "cline3_nested.json"


def restore_all(ctx):
    plans = [plan_restore(ctx, loc) for loc in ctx.locations() if loc.exists and loc.writable]
    return apply_all(ctx, plans, dry_run=False)


def states(report):
    return {
        (c.id, f.kind, s.name): s.state for c in report.clients for f in c.files for s in f.servers
    }


@pytest.mark.parametrize(
    ("client", "platform", "expected"),
    [
        ("copilot-cli", MAC, ["/Users/alice/.copilot/mcp-config.json"]),
        ("copilot-cli", WIN, ["C:\\Users\\alice\\.copilot\\mcp-config.json"]),
        ("qwen", LINUX, ["/home/alice/.qwen/settings.json"]),
        ("qwen", WIN, ["C:\\Users\\alice\\.qwen\\settings.json"]),
        (
            "opencode",
            MAC,
            [
                "/Users/alice/.config/opencode/opencode.json",
                "/Users/alice/.config/opencode/opencode.jsonc",
                "/Users/alice/.config/opencode/config.json",
            ],
        ),
        (
            "opencode",
            WIN,
            [
                "C:\\Users\\alice\\.config\\opencode\\opencode.json",
                "C:\\Users\\alice\\.config\\opencode\\opencode.jsonc",
                "C:\\Users\\alice\\.config\\opencode\\config.json",
            ],
        ),
        ("kiro", WIN, ["C:\\Users\\alice\\.kiro\\settings\\mcp.json"]),
        ("antigravity", MAC, ["/Users/alice/.gemini/antigravity/mcp_config.json"]),
        ("amp", LINUX, ["/home/alice/.config/amp/settings.json"]),
        ("amp", WIN, ["C:\\Users\\alice\\AppData\\Roaming\\amp\\settings.json"]),
        ("trae", MAC, ["/Users/alice/Library/Application Support/Trae/User/mcp.json"]),
        ("trae", WIN, ["C:\\Users\\alice\\AppData\\Roaming\\Trae\\User\\mcp.json"]),
        ("qoder", LINUX, ["/home/alice/.qoder/mcp.json"]),
        ("qoder", WIN, ["C:\\Users\\alice\\AppData\\Roaming\\Qoder\\SharedClientCache\\mcp.json"]),
        ("junie", MAC, ["/Users/alice/.junie/mcp/mcp.json"]),
        ("factory", LINUX, ["/home/alice/.factory/mcp.json"]),
        ("kimi", LINUX, ["/home/alice/.kimi/mcp.json"]),
        (
            "amazon-q",
            LINUX,
            ["/home/alice/.aws/amazonq/mcp.json", "/home/alice/.aws/amazonq/agents/default.json"],
        ),
    ],
)
def test_user_paths_per_os(client, platform, expected):
    assert user_paths(client, platform) == expected


def test_roo_global_storage_in_every_editor():
    paths = user_paths("roo", WIN)
    assert (
        "C:\\Users\\alice\\AppData\\Roaming\\Code\\User\\globalStorage\\"
        "rooveterinaryinc.roo-cline\\settings\\mcp_settings.json"
    ) in paths
    assert any("\\Cursor\\User\\globalStorage\\rooveterinaryinc.roo-cline\\" in p for p in paths)
    assert registry.get("roo").file("project").project == (".roo/mcp.json",)


@pytest.mark.parametrize(
    ("client", "variable", "value", "expected"),
    [
        ("copilot-cli", "COPILOT_HOME", "/srv/cp", "/srv/cp/mcp-config.json"),
        ("qwen", "QWEN_HOME", "/srv/qw", "/srv/qw/settings.json"),
        ("opencode", "XDG_CONFIG_HOME", "/srv/xdg", "/srv/xdg/opencode/opencode.json"),
        ("antigravity", "GEMINI_CLI_HOME", "/srv/g", "/srv/g/.gemini/antigravity/mcp_config.json"),
    ],
)
def test_environment_overrides(client, variable, value, expected):
    platform = Platform(OS.LINUX, {"HOME": "/home/alice", variable: value})
    assert user_paths(client, platform)[0] == expected


def test_opencode_extra_config_file_and_dir():
    platform = Platform(
        OS.LINUX,
        {"HOME": "/h", "OPENCODE_CONFIG": "/etc/oc.json", "OPENCODE_CONFIG_DIR": "/srv/ocd"},
    )
    paths = user_paths("opencode", platform)
    assert paths[-3:] == ["/srv/ocd/opencode.json", "/srv/ocd/opencode.jsonc", "/etc/oc.json"]


def test_kiro_and_amazon_q_agents_are_globbed():
    fs = FakeFs(
        {
            "/home/alice/.kiro/agents/reviewer.json": "{}",
            "/home/alice/.aws/amazonq/cli-agents/dev.json": "{}",
        }
    )
    assert user_paths("kiro", LINUX, fs, "agent") == ["/home/alice/.kiro/agents/reviewer.json"]
    assert user_paths("amazon-q", LINUX, fs, "agent") == [
        "/home/alice/.aws/amazonq/cli-agents/dev.json"
    ]


# --- scan and harden on the captured files ---------------------------------------------------


def test_scan_sees_what_the_real_clients_wrote(tmp_path):
    install(tmp_path, ["copilot-cli", "qwen", "opencode"])
    copy_edge(CLINE3, tmp_path / CLINE)
    found = states(scan(context(tmp_path)))
    assert found[("copilot-cli", "user", "filesystem")] == "unwrapped"
    assert found[("copilot-cli", "user", "github")] == "unwrapped"
    assert found[("copilot-cli", "user", "docs")] == "remote"
    assert found[("qwen", "user", "search")] == "unwrapped"
    assert found[("qwen", "user", "docs")] == "remote"  # httpUrl
    assert found[("qwen", "project", "playwright")] == "unwrapped"  # from trustedFolders.json
    assert found[("opencode", "user", "filesystem")] == "unwrapped"
    assert found[("opencode", "user", "docs")] == "remote"
    assert found[("opencode", "project", "playwright")] == "unwrapped"  # from workspace.json
    assert found[("opencode", "project", "sentry")] == "remote"
    assert found[("cline", "user", "filesystem")] == "unwrapped"  # nested transport
    assert found[("cline", "user", "docs")] == "remote"
    assert "invalid" not in found.values()


def test_opencode_argv_list_is_wrapped_in_place(tmp_path):
    install(tmp_path, ["opencode"])
    before = snapshot(tmp_path)
    ctx = context(tmp_path)
    outcomes = harden(ctx, ctx.locations())
    assert all(o.error is None for o in outcomes)
    codec = codec_for("jsonc")
    entry = codec.parse((tmp_path / OPENCODE).read_text())["mcp"]["search"]
    shim = str(ctx.shim)
    assert entry == {
        "type": "local",
        "command": [
            shim, "--client", "opencode", "--server", "search", "--",
            "uvx", "mcp-search", "--verbose",
        ],
        "environment": {"API_KEY": "{env:SEARCH_KEY}"},
    }  # fmt: skip
    project = codec.parse((tmp_path / "src/app/opencode.json").read_text())["mcp"]
    assert project["playwright"]["command"][0] == shim
    assert project["playwright"]["enabled"] is True
    assert "args" not in project["playwright"]
    again = harden(ctx, ctx.locations())
    assert [o for o in again if o.status == "changed"] == []
    restored = restore_all(ctx)
    assert all(c.exact for o in restored for c in o.plan.changes)
    assert snapshot(tmp_path) == before


def test_cline_nested_transport_is_wrapped_inside_transport(tmp_path):
    target = copy_edge(CLINE3, tmp_path / CLINE)
    original = target.read_bytes()
    ctx = context(tmp_path)
    harden(ctx, ctx.locations())
    entry = json.loads(target.read_text())["mcpServers"]["filesystem"]
    assert set(entry) == {"transport"}
    transport = entry["transport"]
    assert transport["type"] == "stdio"
    assert transport["command"] == str(ctx.shim)
    assert transport["args"][:5] == ["--client", "cline", "--server", "filesystem", "--"]
    assert transport["args"][5:] == [
        "npx",
        "-y",
        "@modelcontextprotocol/server-filesystem",
        "/home/dev/src",
    ]
    restore_all(ctx)
    assert target.read_bytes() == original


def test_bridging_an_opencode_and_a_nested_cline_remote(tmp_path):
    install(tmp_path, ["opencode"])
    copy_edge(CLINE3, tmp_path / CLINE)
    opencode = tmp_path / OPENCODE
    bare = '      "url": "https://docs.example.com/mcp"\n'
    assert opencode.read_text().count(bare) == 1
    before = snapshot(tmp_path)
    ctx = context(tmp_path, remote_servers="bridge")
    outcomes = harden(ctx, ctx.locations())
    assert all(o.error is None for o in outcomes)
    # no static credentials: opencode signs in to it with OAuth itself, so it is left as is
    assert bare in opencode.read_text()
    assert any(
        f.server == "docs" and "client-managed OAuth" in f.message
        for o in outcomes
        for f in o.plan.findings
    )
    restore_all(ctx)
    assert snapshot(tmp_path) == before
    opencode.write_text(
        opencode.read_text().replace(
            bare, bare.rstrip("\n") + ',\n      "headers": {"X-Api-Key": "{env:DOCS_KEY}"}\n'
        )
    )
    before = snapshot(tmp_path)
    ctx = context(tmp_path, remote_servers="bridge")
    outcomes = harden(ctx, ctx.locations())
    assert all(o.error is None for o in outcomes)
    docs = codec_for("jsonc").parse(opencode.read_text())["mcp"]["docs"]
    assert docs == {
        "type": "local",
        "command": [
            str(ctx.shim), "--client", "opencode", "--server", "docs",
            "--url", "https://docs.example.com/mcp", "--header", "X-Api-Key:{env:DOCS_KEY}",
        ],
    }  # fmt: skip
    cline = json.loads((tmp_path / CLINE).read_text())["mcpServers"]["docs"]
    assert set(cline) == {"command", "args"}
    assert cline["args"][-2:] == ["--header", "Authorization:Bearer ${DOCS_TOKEN}"]
    sentry = [
        f
        for o in outcomes
        for f in o.plan.findings
        if f.server == "sentry" and "oauth" in f.message
    ]
    assert sentry, "opencode's oauth remote cannot be bridged"
    shutil.rmtree(ctx.paths.desired_state_dir)  # by value, from the backups
    restore_all(ctx)
    assert {k: json.loads(v) for k, v in snapshot(tmp_path).items() if k == CLINE} == {
        k: json.loads(v) for k, v in before.items() if k == CLINE
    }


@pytest.mark.parametrize(
    ("entry", "kind", "problem"),
    [
        ({"type": "local", "command": []}, Kind.INVALID, "no program"),
        ({"type": "local", "command": "npx -y x"}, Kind.INVALID, "not a list of strings"),
        ({"type": "local", "command": ["npx", 3]}, Kind.INVALID, "not a list of strings"),
        ({"type": "local", "command": ["npx"]}, Kind.STDIO, ""),
        ({"type": "remote", "url": "https://x"}, Kind.REMOTE, ""),
        ({"type": "local"}, Kind.INVALID, "no 'command'"),
    ],
)
def test_opencode_entry_shapes(entry, kind, problem):
    info = classify(registry.get("opencode").entry, entry)
    assert info.kind is kind
    assert problem in info.problem


def test_cline_transport_shapes():
    shape = registry.get("cline").entry
    assert classify(shape, {"transport": {"type": "sse", "url": "https://x"}}).kind is Kind.REMOTE
    bad = classify(shape, {"transport": {"type": "stdio", "args": []}})
    assert bad.kind is Kind.INVALID
    assert "'transport'" in bad.problem
    assert classify(shape, {"transport": "stdio"}).kind is Kind.INVALID


@pytest.mark.parametrize(
    "client",
    ["kiro", "roo", "antigravity", "amp", "trae", "factory", "kimi", "qoder", "junie", "amazon-q"],
)
def test_documented_shapes_round_trip(tmp_path, client):
    install(tmp_path, [client])
    before = snapshot(tmp_path)
    ctx = context(tmp_path)
    outcomes = harden(ctx, ctx.locations())
    assert all(o.error is None for o in outcomes)
    assert any(o.status == "changed" for o in outcomes)
    report = scan(ctx)
    assert not [f for f in report.findings() if f.kind in ("unwrapped", "invalid_entry")]
    restore_all(ctx)
    assert snapshot(tmp_path) == before


# --- project directories the clients record --------------------------------------------------


def test_projects_recorded_by_every_client(tmp_path):
    home = tmp_path
    dirs = {name: home / name for name in ("claude", "gem", "gem2", "qw", "cx", "vs", "cur")}
    for path in dirs.values():
        path.mkdir()
    (home / ".claude.json").write_text(json.dumps({"projects": {str(dirs["claude"]): {}}}))
    (home / ".gemini/tmp/abc").mkdir(parents=True)
    (home / ".gemini/projects.json").write_text(json.dumps({"projects": {str(dirs["gem"]): "g"}}))
    (home / ".gemini/tmp/abc/.project_root").write_text(str(dirs["gem2"]) + "\n")
    (home / ".qwen").mkdir()
    (home / ".qwen/trustedFolders.json").write_text(
        json.dumps({str(dirs["qw"]): "TRUST_FOLDER", str(home / "nope"): "DO_NOT_TRUST"})
    )
    (home / ".codex").mkdir()
    (home / ".codex/config.toml").write_text(
        f'[projects."{dirs["cx"]}"]\ntrust_level = "trusted"\n'
    )
    for product, key in (("Code", "vs"), ("Cursor", "cur")):
        ws = home / ".config" / product / "User/workspaceStorage/0123abcd"
        ws.mkdir(parents=True)
        (ws / "workspace.json").write_text(json.dumps({"folder": dirs[key].as_uri()}))
    remote = home / ".config/Code/User/workspaceStorage/remote"
    remote.mkdir()
    (remote / "workspace.json").write_text('{"folder": "vscode-remote://ssh-remote+box/srv"}')
    platform = Platform.current({"HOME": str(home)})
    assert set(recorded_projects(platform, RealFs())) == set(dirs.values())  # not DO_NOT_TRUST
    assert set(project_dirs(platform, RealFs())) == set(dirs.values())


def test_unreadable_project_lists_contribute_nothing(tmp_path):
    for name in (".gemini/projects.json", ".qwen/trustedFolders.json", ".codex/config.toml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{ broken [")
    assert recorded_projects(Platform.current({"HOME": str(tmp_path)}), RealFs()) == []


def test_folder_uris():
    assert folder_uri(LINUX, "file:///home/a/my%20app") == Path("/home/a/my app")
    assert str(folder_uri(WIN, "file:///c%3A/Users/a/app")) == "c:\\Users\\a\\app"
    assert folder_uri(LINUX, "vscode-remote://wsl+Ubuntu/home/a") is None
    assert folder_uri(LINUX, "file://server/share") is None
    assert folder_uri(LINUX, 3) is None


def test_restore_finds_project_files_without_flags(tmp_path):
    project = tmp_path / "elsewhere" / "app"
    (project / ".gemini").mkdir(parents=True)
    target = project / ".gemini" / "settings.json"
    original = b'{\n  // mine\n  "mcpServers": {"t": {"command": "uvx", "args": ["x"]}}\n}\n'
    target.write_bytes(original)
    ctx = context(tmp_path)
    assert all(loc.path != target for loc in ctx.locations())  # not recorded anywhere
    outcomes = harden(ctx, ctx.locations(projects=[project]))
    assert [o.status for o in outcomes if o.plan.location.path == target] == ["changed"]
    assert any(loc.path == target for loc in ctx.locations())  # hardener remembers it
    restore_all(ctx)  # no --project
    assert target.read_bytes() == original
    state = DesiredStateStore(ctx.paths.desired_state_dir).load(target)
    assert state is not None
    assert state.entries == []


def test_opencode_variables_are_not_literal_secrets(tmp_path):
    install(tmp_path, ["opencode"])
    findings = scan(context(tmp_path)).findings()
    assert not [f for f in findings if f.kind == "literal_secret" and f.client == "opencode"]
