"""Root's ``status --home`` reads the user's ``desired/`` files with checks, never through a link.

The desired state is written by the real producer (``harden`` on a fixture home); then the home is
chowned to a uid that is not root, as a real user's is, and the user plants a link or a FIFO.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hardener.engine.desired import DesiredStateStore
from hardener.fsutil import UnsafeStateError
from hardener.paths import Platform
from hardener.settings import Settings
from hardener.status.sources import inventory
from hardener.status.targets import Target, target_for_home
from tests.support.fixture_home import context, harden, install

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (chown to another uid)"
)

USER_UID = 4242


def _hardened_home(tmp_path: Path) -> tuple[Target, Path]:
    home = tmp_path / "home" / "alice"
    home.mkdir(parents=True)
    install(home, ["cursor"])
    ctx = context(home)
    outcomes = harden(ctx, ctx.locations())
    assert [o.status for o in outcomes if o.error is None] == ["changed"]
    (desired,) = sorted(DesiredStateStore(ctx.paths.desired_state_dir).directory.glob("*.json"))
    for path in [home, *home.rglob("*")]:
        os.lchown(path, USER_UID, USER_UID)
    (tmp_path / "mdm").mkdir()
    base = Platform(Platform.current().os, {"HOME": str(tmp_path / "mdm")})
    target = target_for_home(base, home)
    assert not target.own
    return target, desired


def test_the_users_desired_state_is_read_as_root(tmp_path: Path) -> None:
    target, _ = _hardened_home(tmp_path)
    assert "cursor" in inventory(target, Settings()).hardened_at


def test_a_desired_file_linked_to_roots_file_is_refused_not_read(tmp_path: Path) -> None:
    target, desired = _hardened_home(tmp_path)
    outside = tmp_path / "root-only" / desired.name  # root's copy: valid if it were followed
    outside.parent.mkdir()
    os.replace(desired, outside)
    os.chown(outside, 0, 0)
    desired.symlink_to(outside)
    os.lchown(desired, USER_UID, USER_UID)
    with pytest.raises(UnsafeStateError, match="link"):
        inventory(target, Settings())


def test_a_desired_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    target, desired = _hardened_home(tmp_path)
    desired.unlink()
    os.mkfifo(desired)
    os.chown(desired, USER_UID, USER_UID)
    with pytest.raises(UnsafeStateError):
        inventory(target, Settings())
