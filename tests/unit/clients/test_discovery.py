"""Discovery on a real sandbox home: user files, project directories, absent paths, dedupe."""

from __future__ import annotations

import json
import os

from hardener.clients import registry
from hardener.clients.discovery import discover, expand_pattern, project_dirs
from hardener.engine.fs import RealFs
from hardener.paths import Platform


def platform_for(home):
    return Platform.current({"HOME": str(home)})


def test_absent_paths_are_listed_for_watching(tmp_path):
    found = discover(platform_for(tmp_path), RealFs(), registry.CLIENTS)
    user = [loc for loc in found if loc.client.id == "cursor" and loc.file.key == "user"]
    assert [str(loc.path) for loc in user] == [str(tmp_path / ".cursor" / "mcp.json")]
    assert not user[0].exists


def test_projects_from_claude_json_policy_globs_and_explicit(tmp_path):
    home = tmp_path
    for name in ("src/a", "src/b", "work/c", "explicit"):
        (home / name).mkdir(parents=True)
    (home / ".claude.json").write_text(
        json.dumps({"projects": {str(home / "src/a"): {}, str(home / "deleted"): {}}})
    )
    platform = platform_for(home)
    dirs = project_dirs(
        platform,
        RealFs(),
        explicit=[home / "explicit"],
        roots=["~/work/*", str(home / "src" / "*")],
    )
    assert dirs == [home / "explicit", home / "work/c", home / "src/a", home / "src/b"]


def test_unparsable_claude_json_gives_no_projects(tmp_path):
    (tmp_path / ".claude.json").write_text("{ broken")
    assert project_dirs(platform_for(tmp_path), RealFs()) == []


def test_project_files_are_found_and_deduplicated(tmp_path):
    project = tmp_path / "proj"
    (project / ".vscode").mkdir(parents=True)
    (project / ".vscode" / "mcp.json").write_text("{}")
    (project / ".continue" / "mcpServers").mkdir(parents=True)
    (project / ".continue" / "mcpServers" / "a.yaml").write_text("mcpServers: []\n")
    (project / ".continue" / "mcpServers" / "b.json").write_text("{}")
    found = discover(platform_for(tmp_path), RealFs(), registry.CLIENTS, [project, project])
    mine = {(loc.client.id, loc.file.key): loc for loc in found if loc.project == project}
    assert mine[("vscode", "workspace")].exists
    assert mine[("continue", "block")].path.name == "a.yaml"
    assert mine[("continue", "block-json")].path.name == "b.json"
    assert not mine[("claude-code", "project")].exists
    paths = [str(loc.path) for loc in found]
    assert len(paths) == len(set(paths))


def test_home_as_a_project_does_not_duplicate_user_files(tmp_path):
    (tmp_path / ".cursor").mkdir()
    (tmp_path / ".cursor" / "mcp.json").write_text("{}")
    found = discover(platform_for(tmp_path), RealFs(), registry.CLIENTS, [tmp_path])
    cursor = [loc for loc in found if str(loc.path) == str(tmp_path / ".cursor" / "mcp.json")]
    assert len(cursor) == 1
    assert cursor[0].file.key == "user"


def test_a_symlinked_config_is_claimed_once(tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "mcp.json").write_text("{}")
    (tmp_path / ".cursor").mkdir()
    os.symlink(dotfiles / "mcp.json", tmp_path / ".cursor" / "mcp.json")
    project = tmp_path / "p"
    (project / ".cursor").mkdir(parents=True)
    os.symlink(dotfiles / "mcp.json", project / ".cursor" / "mcp.json")
    found = discover(platform_for(tmp_path), RealFs(), registry.select(["cursor"]), [project])
    assert [loc.file.key for loc in found if loc.exists] == ["user"]


def test_expand_pattern_without_glob(tmp_path):
    platform = platform_for(tmp_path)
    assert expand_pattern(platform, RealFs(), "~/x") == [tmp_path / "x"]
    assert expand_pattern(platform, RealFs(), str(tmp_path / "nothing" / "*")) == []
