"""What the shim reads at start-up, cheaply: policy, fingerprint key, login-shell PATH (L2 service).

The shim starts once per server per client, so its start-up must stay lean. Three files in the
state directory make that possible (all 0600, in 0700 directories, never followed through a link):

``<state>/cache/shim-policy.json``
    The effective policy compiled for the shim: ``{"v": 1, "sources": [[path, signature]…],
    "settings": {dotted key: value}}``. A signature is ``[mtime_ns, ctime_ns, size, inode]`` of each
    policy file that may exist (managed files, then the user's ``policy.toml``), or ``null`` when the
    file is absent. When every signature still matches, the shim uses the cached settings and never
    imports :mod:`hardener.policy` (which pulls in ``jsonschema``: ~100 ms). Otherwise it loads and
    validates the policy the normal way and rewrites the cache. On Windows the managed policy lives in
    the registry, which has no cheap signature: the shim always loads the policy there.

``<state>/fingerprint.key``
    64 hex digits (32 random bytes) and a newline: the per-installation key of the keyed
    fingerprints (HMAC-SHA256) in events. Created on first use with ``O_EXCL`` semantics (the first
    shim wins a race; the others read its key). It is not the ledger key: it only keeps the
    fingerprints of redacted values from being tested against guesses by someone who reads the log.
    Reading the OS keychain instead would cost 70-240 ms per shim start.

``<state>/login-path.json``
    ``{"v": 1, "path": "<PATH of the user's login shell>", "shell": "/bin/zsh"}``, recorded by
    ``hardener harden`` (:func:`record_login_path`). GUI apps on macOS start servers with a minimal
    ``PATH``; the shim falls back to this one (after the policy's ``shim.extra_path``) when a command
    is not found on the client's ``PATH``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from hardener.errors import HardenerError
from hardener.fsutil import ensure_private_dir, write_private
from hardener.paths import OS, HardenerPaths, Platform, managed_policy_location

CACHE_VERSION = 1
KEY_FILE = "fingerprint.key"
LOGIN_PATH_FILE = "login-path.json"
POLICY_CACHE = ("cache", "shim-policy.json")
_PATH_MARK = "__HARDENER_LOGIN_PATH__="


def policy_cache_path(paths: HardenerPaths) -> Path:
    return paths.platform.path(paths.state_dir, *POLICY_CACHE)


def _signature(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino]


def _policy_files(paths: HardenerPaths) -> list[Path]:
    platform = paths.platform
    location = managed_policy_location(platform, platform.env.get("USER"))
    return [*location.files, paths.user_policy_file]


def _load_uncached(platform: Platform, warn: list[str]) -> dict[str, Any]:
    """Full policy load (imports jsonschema); falls back to managed-only, then defaults."""
    from hardener import policy as policy_module

    try:
        effective = policy_module.load_policy(platform)
    except HardenerError as exc:
        warn.append(f"policy ignored: {exc.message}")
        try:
            effective = policy_module.merge_sources(
                policy_module.managed_sources(platform, user=platform.env.get("USER"))
            )
        except HardenerError as again:
            warn.append(f"managed policy ignored too: {again.message}")
            effective = policy_module.EffectivePolicy.defaults()
        raise _Uncacheable({k: s.value for k, s in effective.settings.items()}) from exc
    return {key: setting.value for key, setting in effective.settings.items()}


class _Uncacheable(Exception):
    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__("uncacheable")
        self.settings = settings


def load_settings(paths: HardenerPaths, warn: list[str]) -> dict[str, Any]:
    """The effective policy as ``{dotted key: value}``, from the cache when it is still valid.

    Problems are appended to ``warn`` (for stderr); the shim never fails to start over policy.
    """
    if paths.platform.os is OS.WINDOWS:
        try:
            return _load_uncached(paths.platform, warn)
        except _Uncacheable as exc:
            return exc.settings
    files = _policy_files(paths)
    signatures = [[str(f), _signature(f)] for f in files]
    cache = policy_cache_path(paths)
    try:
        cached = json.loads(cache.read_bytes())
        if (
            isinstance(cached, dict)
            and cached.get("v") == CACHE_VERSION
            and cached.get("sources") == signatures
            and isinstance(cached.get("settings"), dict)
        ):
            settings: dict[str, Any] = cached["settings"]
            return settings
    except (OSError, ValueError):
        pass
    try:
        settings = _load_uncached(paths.platform, warn)
    except _Uncacheable as exc:
        return exc.settings
    document = {"v": CACHE_VERSION, "sources": signatures, "settings": settings}
    try:
        ensure_private_dir(paths.state_dir)
        write_private(cache, json.dumps(document, sort_keys=True).encode())
    except HardenerError as exc:
        warn.append(f"cannot cache the policy: {exc.message}")
    return settings


def managed_only_settings(platform: Platform, warn: list[str]) -> dict[str, Any]:
    """Defaults overlaid by the managed policy only (used when there is no state directory)."""
    from hardener import policy as policy_module

    try:
        effective = policy_module.merge_sources(
            policy_module.managed_sources(platform, user=platform.env.get("USER"))
        )
    except HardenerError as exc:
        warn.append(f"managed policy ignored: {exc.message}")
        effective = policy_module.EffectivePolicy.defaults()
    return {key: setting.value for key, setting in effective.settings.items()}


# --- fingerprint key -------------------------------------------------------------------------


def key_path(paths: HardenerPaths) -> Path:
    return paths.platform.path(paths.state_dir, KEY_FILE)


def _parse_key(data: bytes) -> bytes | None:
    text = data.strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    return key if len(key) >= 16 else None


def fingerprint_key(paths: HardenerPaths) -> bytes:
    """The per-installation fingerprint key, created (0600) on first use."""
    path = key_path(paths)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return _create_key(paths, path)
    except OSError as exc:
        raise HardenerError(
            f"cannot read the fingerprint key {path}: {exc.strerror or exc}",
            remedy=f"Remove {path} (a new key is created) or fix its permissions.",
        ) from exc
    with os.fdopen(fd, "rb") as handle:
        key = _parse_key(handle.read(4096))
    if key is None:
        raise HardenerError(
            f"the fingerprint key {path} is damaged",
            remedy=f"Remove {path}; the next shim creates a new one (old fingerprints stop matching).",
        )
    return key


def _create_key(paths: HardenerPaths, path: Path) -> bytes:
    ensure_private_dir(paths.state_dir)
    key = secrets.token_bytes(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.write(fd, key.hex().encode() + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails when another shim created the key first: then use theirs
    except FileExistsError:
        return fingerprint_key(paths)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return key


# --- login-shell PATH ------------------------------------------------------------------------


def login_path_file(paths: HardenerPaths) -> Path:
    return paths.platform.path(paths.state_dir, LOGIN_PATH_FILE)


def read_login_path(paths: HardenerPaths) -> list[str]:
    """The directories of the recorded login-shell ``PATH`` (empty when none was recorded)."""
    try:
        document = json.loads(login_path_file(paths).read_bytes())
    except (OSError, ValueError):
        return []
    value = document.get("path") if isinstance(document, dict) else None
    if not isinstance(value, str):
        return []
    return [part for part in value.split(os.pathsep) if part]


def record_login_path(paths: HardenerPaths, path_value: str, shell: str) -> Path:
    """Store the login shell's ``PATH`` for the shim (called by ``hardener harden``)."""
    document = {"v": 1, "path": path_value, "shell": shell}
    return write_private(login_path_file(paths), json.dumps(document).encode() + b"\n")


def capture_login_path(shell: str | None = None, timeout: float = 10.0) -> str | None:
    """Ask the user's login shell for its ``PATH`` (POSIX only); ``None`` when that fails."""
    if sys.platform == "win32":
        return None
    shell = shell or os.environ.get("SHELL") or "/bin/sh"
    script = f'printf "\\n{_PATH_MARK}%s\\n" "$PATH"'
    try:
        done = subprocess.run(
            [shell, "-l", "-i", "-c", script],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith(_PATH_MARK):
            return line[len(_PATH_MARK) :] or None
    return None
