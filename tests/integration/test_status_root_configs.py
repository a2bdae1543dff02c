"""Root's ``status --home`` reads another user's client configs without trusting that user.

Dotfile links are legitimate: a config linked to a file the user owns inside their home (a
dotfiles checkout) is read. A link to another owner's file, or to the user's file in someone
else's directory, is refused and reported, and its target's content never reaches the report.
Files owned by another uid are made with ``os.chown`` (root only; skipped otherwise).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.daemon import run_hardener, sandbox_env

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (chown to another uid)"
)

UID = 4242
LEAK = "leaked-server-7c1e"


def _config(name: str) -> str:
    return json.dumps({"mcpServers": {name: {"command": "npx", "args": ["-y", name]}}}) + "\n"


def _chown_tree(top: Path, uid: int) -> None:
    for path in [top, *top.rglob("*")]:
        os.lchown(path, uid, uid)


def _user_home(tmp_path: Path) -> Path:
    home = tmp_path / "users" / "alice"
    (home / ".cursor").mkdir(parents=True)
    return home


def _status(tmp_path: Path, home: Path) -> dict[str, dict]:
    mdm = tmp_path / "mdm"
    mdm.mkdir(exist_ok=True)
    done = run_hardener(
        mdm, "status", "--home", str(home), "--format", "json", env=sandbox_env(mdm)
    )
    assert done.returncode in (0, 1), done.stderr
    assert LEAK not in done.stdout + done.stderr  # the refused target was never read
    return {c["id"]: c for c in json.loads(done.stdout)["checks"]}


def test_a_dotfile_link_to_the_users_own_file_is_read(tmp_path):
    home = _user_home(tmp_path)
    dotfiles = home / "dotfiles" / "cursor"
    dotfiles.mkdir(parents=True)
    (dotfiles / "mcp.json").write_text(_config("linked-fs"))
    (home / ".cursor" / "mcp.json").symlink_to(dotfiles / "mcp.json")
    _chown_tree(home, UID)
    wrapped = _status(tmp_path, home)["clients.wrapped"]
    assert any("cursor/linked-fs" in e for e in wrapped["data"]["exceptions"])  # read: unwrapped
    assert not any("refused" in e for e in wrapped["data"]["exceptions"])


def test_a_linked_directory_inside_the_home_is_read(tmp_path):
    home = _user_home(tmp_path)
    (home / ".cursor").rmdir()
    real = home / "dotfiles" / "cursor-dir"
    real.mkdir(parents=True)
    (real / "mcp.json").write_text(_config("dir-linked"))
    (home / ".cursor").symlink_to(real)
    _chown_tree(home, UID)
    wrapped = _status(tmp_path, home)["clients.wrapped"]
    assert any("cursor/dir-linked" in e for e in wrapped["data"]["exceptions"])


def test_a_link_to_another_owners_file_is_refused_and_reported(tmp_path):
    home = _user_home(tmp_path)
    other = tmp_path / "root-owned"
    other.mkdir()
    secret = other / "mcp.json"
    secret.write_text(_config(LEAK))  # root's file, a valid config: it must never be read
    (home / ".cursor" / "mcp.json").symlink_to(secret)
    _chown_tree(home, UID)
    wrapped = _status(tmp_path, home)["clients.wrapped"]
    assert wrapped["result"] == "fail"
    (problem,) = [e for e in wrapped["data"]["exceptions"] if e.startswith("unreadable:")]
    assert f"is a link to {secret}" in problem
    assert "belongs to uid 0, not to the user (uid 4242): refused, not read" in problem


def test_a_link_to_the_users_file_in_someone_elses_directory_is_refused(tmp_path):
    home = _user_home(tmp_path)
    other = tmp_path / "shared"
    other.mkdir()
    planted = other / "mcp.json"
    planted.write_text(_config(LEAK))
    os.chown(planted, UID, UID)  # the user's file, in root's directory outside the home
    (home / ".cursor" / "mcp.json").symlink_to(planted)
    _chown_tree(home, UID)
    wrapped = _status(tmp_path, home)["clients.wrapped"]
    (problem,) = [e for e in wrapped["data"]["exceptions"] if e.startswith("unreadable:")]
    assert "outside" in problem
    assert "in a directory of uid 0, not the user's (uid 4242)" in problem


def test_a_plain_config_owned_by_someone_else_in_the_home_is_refused(tmp_path):
    home = _user_home(tmp_path)
    (home / ".cursor" / "mcp.json").write_text(_config(LEAK))
    _chown_tree(home, UID)
    os.chown(home / ".cursor", 1234, 1234)  # a directory of a third user in alice's home
    wrapped = _status(tmp_path, home)["clients.wrapped"]
    (problem,) = [e for e in wrapped["data"]["exceptions"] if e.startswith("unreadable:")]
    assert "belongs to uid 1234, not to uid 4242 or root" in problem


def test_hook_settings_linked_to_a_foreign_file_do_not_count(tmp_path):
    from hardener.hooks.edit import install_text
    from hardener.hooks.targets import targets
    from hardener.paths import Platform

    home = _user_home(tmp_path)
    policy = home / ".config" / "hardener" / "policy.toml"
    policy.parent.mkdir(parents=True)
    policy.write_text('[hooks]\nrequired = ["claude-code"]\n')
    (home / ".claude").mkdir()
    (claude,) = [
        t for t in targets(Platform.current({"HOME": str(home)})) if t.client == "claude-code"
    ]
    other = tmp_path / "root-owned"
    other.mkdir()
    planted = other / "settings.json"  # hardener's real handlers, in root's file
    planted.write_text(install_text(None, claude, Path("/usr/bin/hardener-hook")))
    claude.path.symlink_to(planted)
    _chown_tree(home, UID)
    check = _status(tmp_path, home)["hooks.installed"]
    assert check["result"] == "unknown"
    assert str(claude.path) in check["data"]["unreadable"]
