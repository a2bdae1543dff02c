"""Whose state ``status`` reads: this user, another home, a named account."""

from __future__ import annotations

import getpass
import sys

import pytest

from hardener.errors import UsageError
from hardener.paths import OS, Platform, hardener_paths
from hardener.status.targets import all_targets, current_target, target_for_home, target_for_user


def test_another_home_gets_that_users_default_layout(sandbox_home, tmp_path):
    other = tmp_path / "bob"
    other.mkdir()
    target = target_for_home(Platform.current(), other, "bob")
    assert not target.own
    assert target.user == "bob"
    paths = hardener_paths(target.platform)
    assert paths.state_dir == other / ".local" / "state" / "hardener"


def test_own_home_is_own(sandbox_home):
    target = current_target(Platform.current())
    assert target.own
    assert target.home == sandbox_home


def test_a_missing_home_is_a_usage_error(sandbox_home, tmp_path):
    with pytest.raises(UsageError):
        target_for_home(Platform.current(), tmp_path / "nobody-here")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX accounts")
def test_named_user(sandbox_home):
    me = getpass.getuser()
    target = target_for_user(Platform.current(), me)
    assert target.user == me
    with pytest.raises(UsageError, match="no such user"):
        target_for_user(Platform.current(), "no-such-user-hardener-test")


def test_windows_profiles_layout(tmp_path):
    base = Platform(OS.WINDOWS, {"USERPROFILE": "C:\\Users\\admin", "SystemDrive": "C:"})
    with pytest.raises(UsageError):  # no such profile directory on this machine
        target_for_user(base, "alice")


def test_all_users_only_lists_accounts_with_hardener_state(sandbox_home):
    for target in all_targets(Platform.current()):
        assert hardener_paths(target.platform).state_dir.is_dir()


def test_status_cli_rejects_an_unknown_user(run_cli):
    result = run_cli("status", "--user", "no-such-user-hardener-test")
    assert result.code == 2
    quiet = run_cli("status", "--format", "jamf", "--user", "no-such-user-hardener-test")
    assert quiet.code == 1
    assert quiet.stderr == ""
    assert quiet.stdout.startswith("<result>NONCOMPLIANT agent.version,")
    intune = run_cli("status", "--format", "intune", "--user", "no-such-user-hardener-test")
    assert intune.code == 1
    assert intune.stderr == ""
    assert '"agent.running":"unknown"' in intune.stdout
