"""Per-OS layout derived only from the environment."""

from __future__ import annotations

import pytest

from hardener.errors import StateDirError
from hardener.paths import OS, Platform, hardener_paths, managed_policy_location


def test_linux_defaults():
    paths = hardener_paths(Platform(OS.LINUX, {"HOME": "/home/alice"}))
    assert str(paths.state_dir) == "/home/alice/.local/state/hardener"
    assert str(paths.user_policy_file) == "/home/alice/.config/hardener/policy.toml"
    assert str(paths.spool_dir) == "/home/alice/.local/state/hardener/spool"
    assert str(paths.runtime_dir) == "/home/alice/.local/state/hardener/run"


def test_linux_xdg_overrides():
    env = {
        "HOME": "/home/alice",
        "XDG_STATE_HOME": "/s",
        "XDG_CONFIG_HOME": "/c",
        "XDG_RUNTIME_DIR": "/run/user/1000",
    }
    paths = hardener_paths(Platform(OS.LINUX, env))
    assert str(paths.ledger_dir) == "/s/hardener/ledger"
    assert str(paths.user_policy_file) == "/c/hardener/policy.toml"
    assert str(paths.runtime_dir) == "/run/user/1000/hardener"


def test_relative_xdg_is_ignored_as_the_spec_says():
    paths = hardener_paths(Platform(OS.LINUX, {"HOME": "/h", "XDG_STATE_HOME": "rel"}))
    assert str(paths.state_dir) == "/h/.local/state/hardener"


def test_macos():
    paths = hardener_paths(Platform(OS.MACOS, {"HOME": "/Users/alice"}))
    assert str(paths.state_dir) == "/Users/alice/Library/Application Support/hardener"
    assert str(paths.backups_dir).endswith("Application Support/hardener/backups")


def test_windows():
    env = {
        "USERPROFILE": r"C:\Users\alice",
        "LOCALAPPDATA": r"C:\Users\alice\AppData\Local",
        "APPDATA": r"C:\Users\alice\AppData\Roaming",
    }
    paths = hardener_paths(Platform(OS.WINDOWS, env))
    assert str(paths.state_dir) == r"C:\Users\alice\AppData\Local\hardener"
    assert str(paths.user_policy_file) == r"C:\Users\alice\AppData\Roaming\hardener\policy.toml"
    assert str(paths.pins_dir) == r"C:\Users\alice\AppData\Local\hardener\pins"


def test_windows_without_localappdata_falls_back_to_profile():
    paths = hardener_paths(Platform(OS.WINDOWS, {"USERPROFILE": r"D:\u"}))
    assert str(paths.state_dir) == r"D:\u\AppData\Local\hardener"


def test_missing_home_is_a_clear_error():
    with pytest.raises(StateDirError, match="HOME"):
        hardener_paths(Platform(OS.LINUX, {}))


def test_managed_policy_locations():
    assert str(managed_policy_location(Platform(OS.LINUX, {"HOME": "/h"})).files[0]) == (
        "/etc/hardener/policy.toml"
    )
    mac = managed_policy_location(Platform(OS.MACOS, {"HOME": "/h"}), user="alice")
    assert [str(p) for p in mac.files] == [
        "/Library/Managed Preferences/io.hardener.agent.plist",
        "/Library/Managed Preferences/alice/io.hardener.agent.plist",
    ]
    win = managed_policy_location(Platform(OS.WINDOWS, {"USERPROFILE": r"C:\u"}))
    assert win.registry_key == r"SOFTWARE\Policies\hardener"
