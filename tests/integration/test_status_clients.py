"""``status``'s ``clients.wrapped`` on files made by the real ``hardener harden`` (real processes).

A compliance check must never pass on what it cannot see: nothing found is ``unknown``; an
unwrapped server in a project only Gemini CLI recorded, an entry hardener cannot understand, an
installed client none of whose files could be read, and an unparsable file each ``fail``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.daemon import run_hardener, sandbox_env

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clients"
OPENCODE = Path(".config/opencode/opencode.jsonc")
QWEN = Path(".qwen/settings.json")


def clients_wrapped(home: Path) -> dict[str, object]:
    env = sandbox_env(home, keychain=False)
    result = run_hardener(home, "status", "--json", env=env)
    document = json.loads(result.stdout)
    return next(c for c in document["checks"] if c["id"] == "clients.wrapped")


def harden(home: Path) -> None:
    result = run_hardener(home, "harden", "--yes", env=sandbox_env(home, keychain=False))
    assert result.returncode == 0, result.stderr


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    for rel in (OPENCODE, QWEN):
        source = FIXTURES / ("opencode" if rel == OPENCODE else "qwen") / rel
        (home / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, home / rel)
    return home


def test_nothing_found_is_unknown_never_pass(tmp_path):
    home = tmp_path / "empty"
    home.mkdir()
    check = clients_wrapped(home)
    assert check["result"] == "unknown"
    assert "no MCP server found" in str(check["detail"])


def test_every_server_wrapped_passes_then_a_recorded_project_fails(home):
    assert clients_wrapped(home)["result"] == "fail"
    harden(home)
    check = clients_wrapped(home)
    assert check["result"] == "pass", check
    assert check["data"]["wrapped"] == 4  # opencode: 2 local; qwen: 2 stdio (remotes exempt)

    # `gemini mcp add` defaults to project scope; Gemini records the project itself
    project = home / "src" / "app"
    (project / ".gemini").mkdir(parents=True)
    (project / ".gemini" / "settings.json").write_text(
        '{"mcpServers": {"time": {"command": "uvx", "args": ["mcp-server-time"]}}}'
    )
    (home / ".gemini").mkdir()
    (home / ".gemini" / "projects.json").write_text(json.dumps({"projects": {str(project): "app"}}))
    check = clients_wrapped(home)
    assert check["result"] == "fail"
    assert f"gemini/time in {project / '.gemini' / 'settings.json'}: unwrapped" in str(
        check["data"]["exceptions"]
    )
    harden(home)  # no --project: harden learns it the same way
    assert clients_wrapped(home)["result"] == "pass"


def test_an_entry_hardener_cannot_understand_fails(home):
    harden(home)
    cline = home / ".cline" / "data" / "settings" / "cline_mcp_settings.json"
    cline.parent.mkdir(parents=True)
    cline.write_text('{"mcpServers": {"odd": {"transport": {"type": "stdio", "argv": ["x"]}}}}')
    check = clients_wrapped(home)
    assert check["result"] == "fail"
    assert "cline/odd" in str(check["detail"])
    assert "invalid" in str(check["detail"])


def test_an_installed_client_whose_files_cannot_be_read_fails(home):
    harden(home)
    (home / ".kiro").mkdir()  # Kiro installed, its settings file moved or never written
    check = clients_wrapped(home)
    assert check["result"] == "fail"
    assert "Kiro is installed" in str(check["detail"])
    (home / ".kiro" / "settings").mkdir()
    (home / ".kiro" / "settings" / "mcp.json").write_text('{"mcpServers": {}}')
    assert clients_wrapped(home)["result"] == "pass"


def test_an_unparsable_file_fails_and_is_left_untouched(home):
    harden(home)
    broken = home / OPENCODE
    broken.write_text('{"mcp": {"x": ')
    check = clients_wrapped(home)
    assert check["result"] == "fail"
    assert "unreadable" in str(check["detail"])
    assert broken.read_text() == '{"mcp": {"x": '


def test_a_format_version_hardener_does_not_know_is_reported_untouched_and_fails(home):
    harden(home)
    future = home / QWEN
    text = future.read_text().replace('"$version": 4', '"$version": 99')
    assert text != future.read_text()
    future.write_text(text)
    env = sandbox_env(home, keychain=False)
    scanned = run_hardener(home, "scan", "--json", env=env)
    findings = [f for f in json.loads(scanned.stdout)["findings"] if f["kind"] == "unknown_format"]
    assert len(findings) == 1
    assert str(future) in findings[0]["message"]
    assert "'$version' is 99" in findings[0]["message"]
    assert "Qwen Code" in findings[0]["message"]
    run_hardener(home, "restore", "--yes", env=env)
    assert future.read_text() == text  # not even restore edits it
    check = clients_wrapped(home)
    assert check["result"] == "fail"
    assert "format version" in str(check["detail"])
