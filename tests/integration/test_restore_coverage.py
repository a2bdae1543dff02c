"""``restore`` covers every file ``harden`` changed, also without ``--project`` (real files, CLI)."""

from __future__ import annotations

import json
from pathlib import Path

CURSOR = {"mcpServers": {"time": {"command": "python3", "args": ["-m", "mcp_server_time"]}}}
VSCODE = '{\n  // workspace servers\n  "servers": {"fs": {"type": "stdio", "command": "npx", "args": []}}\n}\n'


def _project(tmp_path: Path) -> tuple[Path, Path]:
    project = tmp_path / "work" / "app"
    (project / ".vscode").mkdir(parents=True)
    workspace = project / ".vscode" / "mcp.json"
    workspace.write_text(VSCODE)
    return project, workspace


def test_restore_without_project_restores_the_project_files_harden_changed(
    run_cli, sandbox_home, tmp_path
):
    user = sandbox_home / ".cursor" / "mcp.json"
    user.parent.mkdir()
    user.write_text(json.dumps(CURSOR, indent=2))
    project, workspace = _project(tmp_path)
    before = {user: user.read_bytes(), workspace: workspace.read_bytes()}
    assert run_cli("harden", "--yes", "--project", str(project)).code == 0
    assert "hardener-shim" in workspace.read_text()
    result = run_cli("restore", "--yes", "--json")
    assert result.code == 0, result.stderr
    restored = {f["path"] for f in result.json()["files"] if f["status"] == "changed"}
    assert str(workspace) in restored
    assert {path: path.read_bytes() for path in before} == before


def test_restore_says_why_a_recorded_file_is_not_restored(run_cli, sandbox_home, tmp_path):
    project, workspace = _project(tmp_path)
    assert run_cli("harden", "--yes", "--project", str(project)).code == 0
    workspace.unlink()
    result = run_cli("restore", "--yes")
    assert result.code == 0
    assert f"not restored: {workspace}: the file no longer exists" in result.stderr


def test_restore_with_a_client_filter_leaves_other_clients_recorded_files(
    run_cli, sandbox_home, tmp_path
):
    project, workspace = _project(tmp_path)
    assert run_cli("harden", "--yes", "--project", str(project)).code == 0
    result = run_cli("restore", "--yes", "--client", "cursor")
    assert result.code == 0
    assert "hardener-shim" in workspace.read_text()
    assert "not restored" not in result.stderr
