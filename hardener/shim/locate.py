"""hardener's per-user paths for the shim's start-up, without importing ``hardener.paths`` (L2 shim).

:mod:`hardener.paths` is the reference; it pulls in ``dataclasses`` (and with it ``inspect``),
``enum`` and ``pathlib``, about 30 ms that every MCP server start would pay. This module computes
the few strings the shim needs before it starts the server (state directory, user policy file,
managed policy files) with ``os.path`` only, for Linux and macOS. On Windows it defers to
:mod:`hardener.paths`. ``tests/unit/shim/test_locate.py`` checks that both always agree.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

APP = "hardener"
POLICY_DOMAIN = "io.hardener.agent"


class Locations:
    """The strings the shim needs; ``state_dir`` is None when HOME is not set."""

    __slots__ = ("managed_files", "state_dir", "user_policy_file")

    def __init__(
        self, state_dir: str | None, user_policy_file: str | None, managed_files: list[str]
    ) -> None:
        self.state_dir = state_dir
        self.user_policy_file = user_policy_file
        self.managed_files = managed_files

    def state(self, *parts: str) -> str | None:
        return os.path.join(self.state_dir, *parts) if self.state_dir else None


def _env_dir(env: Mapping[str, str], name: str, home: str, *default: str) -> str:
    value = env.get(name, "")
    if value and value.startswith("/"):
        return os.path.normpath(value) if value != "/" else value
    return os.path.join(home, *default)


def locate(env: Mapping[str, str] | None = None, platform: str | None = None) -> Locations:
    """Where hardener keeps its files for this user (same answers as :mod:`hardener.paths`)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform == "win32":
        return _via_paths(env)
    home = env.get("HOME")
    user = env.get("USER")
    if platform == "darwin":
        base = "/Library/Managed Preferences"
        managed = [os.path.join(base, f"{POLICY_DOMAIN}.plist")]
        if user:
            managed.append(os.path.join(base, user, f"{POLICY_DOMAIN}.plist"))
        if not home:
            return Locations(None, None, managed)
        state = os.path.join(os.path.normpath(home), "Library", "Application Support", APP)
        return Locations(state, os.path.join(state, "policy.toml"), managed)
    managed = [os.path.join("/etc", APP, "policy.toml")]
    if not home:
        return Locations(None, None, managed)
    home = os.path.normpath(home) if home != "/" else home
    state = os.path.join(_env_dir(env, "XDG_STATE_HOME", home, ".local", "state"), APP)
    config = os.path.join(_env_dir(env, "XDG_CONFIG_HOME", home, ".config"), APP)
    return Locations(state, os.path.join(config, "policy.toml"), managed)


def _via_paths(env: Mapping[str, str]) -> Locations:  # pragma: no cover - Windows only
    from hardener.errors import StateDirError
    from hardener.paths import Platform, hardener_paths

    try:
        paths = hardener_paths(Platform.current(env))
    except StateDirError:
        return Locations(None, None, [])
    return Locations(str(paths.state_dir), str(paths.user_policy_file), [])
