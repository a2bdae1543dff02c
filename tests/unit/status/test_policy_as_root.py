"""Root's ``status --home`` reads the user's ``policy.toml`` through the safe reader, never a link.

Runs as root (CI does): the home is chowned to a uid that is not root, as a real user's is.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hardener.errors import HardenerError
from hardener.paths import Platform
from hardener.policy import EffectivePolicy
from hardener.status.inputs import StatusInputs
from hardener.status.targets import target_for_home

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (chown to another uid)"
)

USER_UID = 4242


def _home(tmp_path: Path) -> tuple[Path, Path]:
    home = tmp_path / "home" / "alice"
    policy_dir = home / ".config" / "hardener"
    policy_dir.mkdir(parents=True)
    for directory in (home, home / ".config", policy_dir):
        os.chown(directory, USER_UID, USER_UID)
        directory.chmod(0o755)
    return home, policy_dir / "policy.toml"


def _policy_as_root(tmp_path: Path, home: Path) -> EffectivePolicy | HardenerError:
    (tmp_path / "mdm").mkdir(exist_ok=True)
    base = Platform(Platform.current().os, {"HOME": str(tmp_path / "mdm")})
    target = target_for_home(base, home)
    assert not target.own
    return StatusInputs(target).policy_or_error


def test_the_users_own_policy_file_is_read(tmp_path: Path) -> None:
    home, policy = _home(tmp_path)
    policy.write_text('mode = "enforce"\n', encoding="utf-8")
    os.chown(policy, USER_UID, USER_UID)
    result = _policy_as_root(tmp_path, home)
    assert isinstance(result, EffectivePolicy), result
    assert result.settings.mode == "enforce"
    assert [s.kind for s in result.sources] == ["user"]


def test_a_policy_link_to_a_file_of_someone_else_is_refused_not_read(tmp_path: Path) -> None:
    home, policy = _home(tmp_path)
    outside = tmp_path / "root-only" / "policy.toml"  # root's file, valid policy if followed
    outside.parent.mkdir()
    outside.write_text('mode = "enforce"\n', encoding="utf-8")
    policy.symlink_to(outside)
    os.lchown(policy, USER_UID, USER_UID)
    result = _policy_as_root(tmp_path, home)
    assert isinstance(result, HardenerError), "root followed the user's link to root's file"
    assert "link" in result.message
    assert str(policy) in result.message


def test_a_policy_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    home, policy = _home(tmp_path)
    os.mkfifo(policy)
    os.chown(policy, USER_UID, USER_UID)
    result = _policy_as_root(tmp_path, home)
    assert isinstance(result, HardenerError)
    assert str(policy) in result.message
