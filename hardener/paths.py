"""Where hardener keeps its own files, per OS, derived only from the environment (L0 foundation).

Nothing here touches the filesystem: :class:`Platform` bundles the OS and the environment so that
tests can compute macOS and Windows layouts on Linux, and every test can point the whole program at
a sandbox home by setting ``HOME`` (and the XDG / Windows variables).

Layout (``state_dir``):

========  ==============================================  =========================
OS        state dir (ledger, spool, backups, desired, …)   user policy file
========  ==============================================  =========================
Linux     ``$XDG_STATE_HOME/hardener``                     ``$XDG_CONFIG_HOME/hardener/policy.toml``
          (default ``~/.local/state/hardener``)            (default ``~/.config/…``)
macOS     ``~/Library/Application Support/hardener``       ``~/Library/Application Support/hardener/policy.toml``
Windows   ``%LOCALAPPDATA%\\hardener``                      ``%APPDATA%\\hardener\\policy.toml``
========  ==============================================  =========================
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from hardener.errors import StateDirError

APP = "hardener"
#: macOS preference domain / Windows policy key name used for managed policy.
POLICY_DOMAIN = "io.hardener.agent"
WINDOWS_POLICY_KEY = r"SOFTWARE\Policies\hardener"

DIR_MODE = 0o700
FILE_MODE = 0o600


class OS(StrEnum):
    LINUX = "linux"
    MACOS = "macos"
    WINDOWS = "windows"


def current_os() -> OS:
    if sys.platform == "darwin":
        return OS.MACOS
    elif sys.platform == "win32":
        return OS.WINDOWS
    else:  # an else branch: mypy --platform win32/darwin sees it as platform-dependent, not dead
        return OS.LINUX


@dataclass(frozen=True)
class Platform:
    """The OS and environment every path is derived from; injectable for tests."""

    os: OS
    env: Mapping[str, str] = field(repr=False)

    @classmethod
    def current(cls, env: Mapping[str, str] | None = None) -> Platform:
        return cls(current_os(), dict(os.environ if env is None else env))

    def _pure(self, value: str) -> PurePath:
        return PureWindowsPath(value) if self.os is OS.WINDOWS else PurePosixPath(value)

    def path(self, base: str | PurePath, *parts: str) -> Path:
        """Join ``parts`` onto ``base`` with this platform's separator rules.

        On the running OS this is an ordinary :class:`Path`; for a foreign OS (tests) it is a
        ``Path`` whose string is the foreign path, good for comparisons but not for I/O.
        """
        joined = self._pure(str(base)).joinpath(*parts)
        return Path(str(joined))

    @property
    def home(self) -> Path:
        if self.os is OS.WINDOWS:
            value = self.env.get("USERPROFILE") or self.env.get("HOME")
        else:
            value = self.env.get("HOME")
        if not value:
            raise StateDirError(
                "cannot find the home directory: HOME is not set"
                + (" (nor USERPROFILE)" if self.os is OS.WINDOWS else ""),
                remedy="Set HOME to your home directory and run again.",
            )
        return self.path(value)

    def env_dir(self, name: str, *default_parts: str) -> Path:
        """``$name`` when set to an absolute path, else ``home/<default_parts>``."""
        value = self.env.get(name, "")
        if value and self._pure(value).is_absolute():
            return self.path(value)
        return self.path(self.home, *default_parts)

    # Per-OS base directories -------------------------------------------------------------
    @property
    def appdata(self) -> Path:
        """Windows roaming AppData (``%APPDATA%``)."""
        return self.env_dir("APPDATA", "AppData", "Roaming")

    @property
    def localappdata(self) -> Path:
        """Windows local AppData (``%LOCALAPPDATA%``)."""
        return self.env_dir("LOCALAPPDATA", "AppData", "Local")

    @property
    def xdg_config_home(self) -> Path:
        return self.env_dir("XDG_CONFIG_HOME", ".config")

    @property
    def xdg_state_home(self) -> Path:
        return self.env_dir("XDG_STATE_HOME", ".local", "state")

    @property
    def mac_app_support(self) -> Path:
        return self.path(self.home, "Library", "Application Support")


@dataclass(frozen=True)
class HardenerPaths:
    """Every file and directory hardener owns for one user."""

    platform: Platform
    state_dir: Path
    config_dir: Path
    runtime_dir: Path

    def _state(self, name: str) -> Path:
        return self.platform.path(self.state_dir, name)

    @property
    def spool_dir(self) -> Path:
        return self._state("spool")

    @property
    def ledger_dir(self) -> Path:
        return self._state("ledger")

    @property
    def backups_dir(self) -> Path:
        return self._state("backups")

    @property
    def desired_state_dir(self) -> Path:
        return self._state("desired")

    @property
    def pins_dir(self) -> Path:
        return self._state("pins")

    @property
    def public_dir(self) -> Path:
        """World-readable (0755) directory for the status cache and public keys: no secrets."""
        return self._state("public")

    @property
    def logs_dir(self) -> Path:
        return self._state("logs")

    @property
    def user_policy_file(self) -> Path:
        return self.platform.path(self.config_dir, "policy.toml")


def hardener_paths(platform: Platform) -> HardenerPaths:
    """Compute the per-user layout for ``platform``."""
    if platform.os is OS.WINDOWS:
        state = platform.path(platform.localappdata, APP)
        config = platform.path(platform.appdata, APP)
        runtime = platform.path(state, "run")
    elif platform.os is OS.MACOS:
        state = platform.path(platform.mac_app_support, APP)
        config = state
        runtime = platform.path(state, "run")
    else:
        state = platform.path(platform.xdg_state_home, APP)
        config = platform.path(platform.xdg_config_home, APP)
        xdg_runtime = platform.env.get("XDG_RUNTIME_DIR", "")
        runtime = (
            platform.path(xdg_runtime, APP)
            if xdg_runtime.startswith("/")
            else platform.path(state, "run")
        )
    return HardenerPaths(platform=platform, state_dir=state, config_dir=config, runtime_dir=runtime)


@dataclass(frozen=True)
class ManagedPolicyLocation:
    """Where an administrator's (MDM) policy lives on one OS."""

    os: OS
    #: Linux: root-owned TOML file; macOS: managed-preferences plists (device, then user).
    files: tuple[Path, ...]
    #: Windows: registry key under HKLM (and HKCU) holding the policy.
    registry_key: str | None


def managed_policy_location(platform: Platform, user: str | None = None) -> ManagedPolicyLocation:
    if platform.os is OS.WINDOWS:
        return ManagedPolicyLocation(platform.os, (), WINDOWS_POLICY_KEY)
    if platform.os is OS.MACOS:
        base = "/Library/Managed Preferences"
        files = [platform.path(base, f"{POLICY_DOMAIN}.plist")]
        if user:
            files.append(platform.path(base, user, f"{POLICY_DOMAIN}.plist"))
        return ManagedPolicyLocation(platform.os, tuple(files), None)
    return ManagedPolicyLocation(platform.os, (platform.path("/etc", APP, "policy.toml"),), None)
