"""``hardener scan|harden|restore`` end to end, in-process, on a sandbox home with every client."""

from __future__ import annotations

import json

import pytest

from tests.support.fixture_home import copy_edge, install, snapshot


@pytest.fixture
def home(sandbox_home):
    install(sandbox_home)
    return sandbox_home


def test_scan_of_an_empty_home_is_clean(run_cli, sandbox_home):
    result = run_cli("scan", "--json")
    assert result.code == 0
    document = result.json()
    assert document["summary"]["files"] == 0
    assert all(
        not c["found"] and c["absent"] for c in document["clients"] if c["id"] != "jetbrains"
    )


def test_scan_reports_every_client_and_exits_1(run_cli, home):
    result = run_cli("scan", "--json")
    assert result.code == 1
    document = result.json()
    found = {c["id"] for c in document["clients"] if c["found"]}
    assert found >= {
        "claude-desktop",
        "claude-code",
        "cursor",
        "vscode",
        "windsurf",
        "codex",
        "zed",
        "gemini",
    }
    assert str(home / "src" / "webapp") in document["projects"]
    kinds = {f["kind"] for f in document["findings"]}
    assert {
        "unwrapped",
        "remote_not_audited",
        "literal_secret",
        "read_only",
        "report_only",
    } <= kinds
    for secret in ("ghp_EXAMPLE", "ctx7-EXAMPLE", "BSA-EXAMPLE", "hf_EXAMPLE"):
        assert secret not in result.stdout
    human = run_cli("scan")
    assert human.code == 1
    assert "Claude Desktop [claude-desktop]" in human.stdout
    assert "[claude-code] 'playwright' is not audited" in human.stdout


def test_scan_one_client(run_cli, home):
    document = run_cli("scan", "--json", "--client", "zed").json()
    assert [c["id"] for c in document["clients"]] == ["zed"]
    assert run_cli("scan", "--client", "nope").code == 2


def test_dry_run_prints_diffs_and_changes_nothing(run_cli, home):
    before = snapshot(home)
    result = run_cli("harden", "--dry-run")
    assert result.code == 0
    assert result.stdout.count("--- a") >= 15
    assert '+      "command": "' in result.stdout
    assert "nothing was written" in result.stderr
    assert snapshot(home) == before
    document = run_cli("harden", "--dry-run", "--json").json()
    assert document["dry_run"] is True
    assert all(f["status"] in ("would_change", "unchanged") for f in document["files"])
    assert any(f["diff"] for f in document["files"])
    assert snapshot(home) == before


def test_harden_is_idempotent_and_restore_is_byte_identical(run_cli, home):
    before = snapshot(home)
    first = run_cli("harden", "--yes", "--json")
    assert first.code == 0, first.stderr
    report = first.json()
    assert report["summary"]["entries"] >= 25
    assert report["summary"]["errors"] == 0
    assert all(f["backup_id"] for f in report["files"] if f["status"] == "changed")

    second = run_cli("harden", "--yes")
    assert second.code == 0
    assert "nothing to do" in second.stderr
    assert run_cli("harden", "--yes", "--json").json()["nothing_to_do"] is True

    scanned = run_cli("scan", "--json").json()
    assert scanned["summary"]["unwrapped"] == 1  # VS Code's legacy settings.json: read only
    assert scanned["summary"]["wrapped"] >= 25

    restored = run_cli("restore", "--yes", "--json")
    assert restored.code == 0
    assert all(e["exact"] for f in restored.json()["files"] for e in f["entries"])
    assert snapshot(home) == before
    assert run_cli("restore", "--yes", "--json").json()["nothing_to_do"] is True


def test_harden_and_restore_one_client_and_one_server(run_cli, home):
    before = snapshot(home)
    assert run_cli("harden", "--yes", "--client", "cursor").code == 0
    after = snapshot(home)
    assert {k for k in before if before[k] != after[k]} == {".cursor/mcp.json"}
    run_cli("harden", "--yes")
    result = run_cli("restore", "--yes", "--server", "github", "--json")
    assert result.code == 0
    names = {(f["client"], e["name"]) for f in result.json()["files"] for e in f["entries"]}
    assert {("claude-desktop", "github"), ("windsurf", "github"), ("gemini", "github")} <= names
    assert all(name == "github" for _, name in names)
    claude = json.loads((home / ".config/Claude/claude_desktop_config.json").read_text())
    assert claude["mcpServers"]["github"]["command"] == "/opt/homebrew/bin/npx"
    assert claude["mcpServers"]["filesystem"]["command"].endswith("hardener-shim")


def test_project_flag_and_policy_project_roots(run_cli, sandbox_home):
    project = sandbox_home / "elsewhere" / "repo"
    copy_edge("bom_crlf.json", project / ".cursor" / "mcp.json")
    assert "repo" not in json.dumps(run_cli("scan", "--json").json()["projects"])
    document = run_cli("scan", "--json", "--project", str(project)).json()
    assert document["projects"] == [str(project)]
    policy = sandbox_home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text('[scan]\nproject_roots = ["~/elsewhere/*"]\n')
    result = run_cli("harden", "--yes", "--json")
    assert result.code == 0
    assert [f["path"] for f in result.json()["files"]] == [str(project / ".cursor" / "mcp.json")]


def test_unparsable_file_alone_exits_3(run_cli, sandbox_home):
    target = copy_edge("broken.json", sandbox_home / ".cursor" / "mcp.json")
    before = target.read_bytes()
    result = run_cli("harden", "--yes", "--json")
    assert result.code == 3
    files = result.json()["files"]
    assert files[0]["status"] == "error"
    assert f"{target}:3:26:" in files[0]["error"]["message"]
    assert target.read_bytes() == before
    assert run_cli("scan").code == 1


def test_error_after_changes_exits_4(run_cli, home):
    broken = copy_edge("broken.json", home / ".lmstudio" / "mcp.json")
    before = broken.read_bytes()
    result = run_cli("harden", "--yes")
    assert result.code == 4
    assert f"{broken}:3:26:" in result.stderr
    assert broken.read_bytes() == before
    assert "hardener-shim" in (home / ".cursor" / "mcp.json").read_text()


def test_bridge_policy_through_the_cli(run_cli, home):
    policy = home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text('remote_servers = "bridge"\n')
    before = snapshot(home)
    result = run_cli("harden", "--yes", "--json")
    assert result.code == 0
    actions = {e["action"] for f in result.json()["files"] for e in f["entries"]}
    assert actions == {"wrap", "bridge"}
    assert run_cli("restore", "--yes").code == 0
    assert snapshot(home) == before


class _Terminal:
    """stdin of a person at a terminal who answers ``answer``."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.answer


@pytest.mark.parametrize(("answer", "changes"), [("n\n", False), ("\n", False), ("y\n", True)])
def test_harden_asks_on_a_terminal(run_cli, home, monkeypatch, answer, changes):
    before = snapshot(home)
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    result = run_cli("harden")
    assert result.code == 0
    assert "wrap" in result.stderr
    assert "entries? [y/N]" in result.stderr
    assert (snapshot(home) != before) is changes
    if not changes:
        assert "nothing was changed" in result.stderr
