"""Whose state ``status`` evaluates: this user, a named user, a home directory, or every user (L2).

Running as root/SYSTEM (an MDM), ``status`` reads another user's files with that user's default
layout (``HOME`` set to their home; XDG and AppData variables at their defaults, since the user's
session environment is unknown). It never opens that user's keychain: only public values.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from hardener.errors import StateDirError, UsageError
from hardener.paths import OS, Platform, hardener_paths

#: Lowest uid of people's accounts on Linux and macOS.
MIN_UID = {OS.LINUX: 1000, OS.MACOS: 500}


@dataclass(frozen=True)
class Target:
    user: str | None
    home: Path
    platform: Platform
    #: the process runs as this user (its keychain and session are ours)
    own: bool


def _current_user(platform: Platform) -> str | None:
    name = platform.env.get("USER") or platform.env.get("USERNAME") or platform.env.get("LOGNAME")
    if name:
        return name
    try:
        import getpass

        return getpass.getuser()
    except (KeyError, OSError):
        return None


def current_target(platform: Platform) -> Target:
    return Target(_current_user(platform), platform.home, platform, own=True)


def _foreign_platform(base: Platform, home: Path, user: str | None) -> Platform:
    env = {"HOME": str(home), "USERPROFILE": str(home)}
    if user:
        env["USER"] = user
        env["USERNAME"] = user
    if base.os is OS.WINDOWS:
        env["APPDATA"] = str(home / "AppData" / "Roaming")
        env["LOCALAPPDATA"] = str(home / "AppData" / "Local")
    return Platform(base.os, env)


def target_for_home(base: Platform, home: Path, user: str | None = None) -> Target:
    home = Path(os.path.abspath(home))
    with contextlib.suppress(StateDirError):  # no HOME for this process: the target is foreign
        if home == Path(os.path.abspath(base.home)):
            return Target(user or _current_user(base), home, base, own=True)
    if not home.is_dir():
        raise UsageError(f"{home} is not a directory", remedy="Give the user's home directory.")
    return Target(user or home.name, home, _foreign_platform(base, home, user or home.name), False)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only

    def _posix_home(name: str) -> Path:
        raise UsageError("--user needs a POSIX account database on this platform")

else:

    def _posix_home(name: str) -> Path:
        import pwd

        try:
            return Path(pwd.getpwnam(name).pw_dir)
        except KeyError as exc:
            raise UsageError(f"no such user: {name}", remedy="Check the account name.") from exc


def target_for_user(base: Platform, name: str) -> Target:
    if base.os is OS.WINDOWS:
        profiles = Path(base.env.get("SystemDrive", "C:") + "\\Users")
        return target_for_home(base, profiles / name, name)
    return target_for_home(base, _posix_home(name), name)


def all_targets(base: Platform) -> list[Target]:
    """Every account with a hardener state directory (people's accounts only)."""
    found: list[Target] = []
    homes: list[tuple[str, Path]] = []
    if base.os is OS.WINDOWS:
        profiles = Path(base.env.get("SystemDrive", "C:") + "\\Users")
        if profiles.is_dir():
            homes = [(p.name, p) for p in sorted(profiles.iterdir()) if p.is_dir()]
    elif sys.platform != "win32":
        import pwd

        floor = MIN_UID.get(base.os, 1000)
        homes = [
            (e.pw_name, Path(e.pw_dir))
            for e in sorted(pwd.getpwall(), key=lambda e: e.pw_uid)
            if e.pw_uid >= floor and e.pw_uid < 65534 and e.pw_dir not in ("", "/")
        ]
    seen: set[Path] = set()
    for name, home in homes:
        if home in seen or not home.is_dir():
            continue
        seen.add(home)
        target = target_for_home(base, home, name)
        if hardener_paths(target.platform).state_dir.is_dir():
            found.append(target)
    return found
