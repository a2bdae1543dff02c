"""What the shim reads at start-up, cheaply: policy, fingerprint key, login-shell PATH (L2 service).

The shim starts once per server per client, so its start-up must stay lean: this module uses only
``os`` and ``json`` on its common path and imports the rest of hardener lazily. Three files in the
state directory make that possible (all 0600, in 0700 directories, never followed through a link):

The shim reads its policy as :class:`ShimSettings`: the subset of
:class:`hardener.settings.Settings` it and the hooks use, a lean frozen class (``dataclasses`` and
``typing`` cost the shim ~10 ms to import) built from ``Settings.values()``.

``<state>/cache/shim-policy.json``
    The effective policy compiled for the shim: ``{"v": 1, "sources": [[path, signature]…],
    "settings": {dotted key: value}}`` (``Settings.values()``). A signature is ``[mtime_ns, ctime_ns, size, inode]`` of each
    policy file that may exist (managed files, then the user's ``policy.toml``), or ``null`` when the
    file is absent. When every signature still matches, the shim uses the cached settings and never
    imports :mod:`hardener.policy` (which pulls in ``jsonschema``: ~100 ms). Otherwise it loads and
    validates the policy the normal way and rewrites the cache. An invalid policy is reported on
    stderr and not cached; the shim then uses the managed policy alone (or the defaults). On Windows
    the managed policy lives in the registry, which has no cheap signature: the shim always loads
    the policy there.

``<state>/fingerprint.key``
    64 hex digits (32 random bytes) and a newline: the per-installation key of the keyed
    fingerprints (HMAC-SHA256) in events. Created on first use with ``O_EXCL`` semantics (the first
    shim wins a race; the others read its key). It is not the ledger key: it only keeps the
    fingerprints of redacted values from being tested against guesses by someone who reads the log.
    Reading the OS keychain instead would cost 70-240 ms per shim start. The daemon may later move
    it into the keychain and leave a copy here.

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
import sys

from hardener.shim.locate import Locations

TYPE_CHECKING = False  # typing is not imported at run time: the shim's start-up stays lean
if TYPE_CHECKING:
    from collections.abc import Mapping

    from hardener.settings import Decision, FailMode, Mode


CACHE_VERSION = 1
KEY_FILE = "fingerprint.key"
LOGIN_PATH_FILE = "login-path.json"
POLICY_CACHE = ("cache", "shim-policy.json")
_PATH_MARK = "__HARDENER_LOGIN_PATH__="
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
#: Windows keeps the managed policy in the registry, which has no cheap signature.
_NO_CACHE = sys.platform == "win32"


class SettingsError(Exception):
    """A problem with one of the shim's own files (message for stderr)."""


class ShimSettings:
    """The policy the shim and the hooks read: a frozen subset of :class:`hardener.settings.Settings`.

    Each attribute is the setting of :data:`KEYS` with dots as underscores, typed as in
    ``Settings`` (``tests/unit/shim/test_settings.py`` checks both); lists become tuples. Built from
    ``{dotted key: value}`` (:meth:`hardener.settings.Settings.values`); a missing key or a value
    of the wrong type is a ``ValueError`` (an outdated or damaged cache: the shim loads afresh).
    """

    #: the dotted policy keys, in the order of the attributes
    KEYS = (
        "mode",
        "fail_mode",
        "servers.allow",
        "servers.deny",
        "tools.allow",
        "tools.deny",
        "tools.hide_denied",
        "server_requests.sampling",
        "server_requests.elicitation",
        "server_requests.roots",
        "redaction.keys",
        "redaction.patterns",
        "redaction.max_value_bytes",
        "pins.block_low_severity_changes",
        "detectors.description_score_threshold",
        "shim.extra_path",
    )
    __slots__ = tuple(key.replace(".", "_") for key in KEYS)

    mode: Mode
    fail_mode: FailMode
    servers_allow: tuple[str, ...]
    servers_deny: tuple[str, ...]
    tools_allow: tuple[str, ...]
    tools_deny: tuple[str, ...]
    tools_hide_denied: bool
    server_requests_sampling: Decision
    server_requests_elicitation: Decision
    server_requests_roots: Decision
    redaction_keys: tuple[str, ...]
    redaction_patterns: tuple[str, ...]
    redaction_max_value_bytes: int
    pins_block_low_severity_changes: bool
    detectors_description_score_threshold: int
    shim_extra_path: tuple[str, ...]

    def __init__(self, values: Mapping[str, object]) -> None:
        kinds = ShimSettings.__annotations__
        for key, attr in zip(ShimSettings.KEYS, ShimSettings.__slots__, strict=True):
            if key not in values:
                raise ValueError(f"setting '{key}' is missing")
            object.__setattr__(self, attr, _typed(values[key], kinds[attr], key))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ShimSettings is frozen: cannot set {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ShimSettings):
            return NotImplemented
        return self._astuple() == other._astuple()

    def __hash__(self) -> int:
        return hash(self._astuple())

    def _astuple(self) -> tuple[object, ...]:
        return tuple(getattr(self, attr) for attr in ShimSettings.__slots__)

    def __repr__(self) -> str:
        inner = ", ".join(f"{a}={getattr(self, a)!r}" for a in ShimSettings.__slots__)
        return f"ShimSettings({inner})"

    @property
    def enforce(self) -> bool:
        return self.mode == "enforce"

    def server_requests(self) -> dict[str, str]:
        """``{"sampling"|"elicitation"|"roots": "allow"|"deny"}``."""
        return {
            "sampling": self.server_requests_sampling,
            "elicitation": self.server_requests_elicitation,
            "roots": self.server_requests_roots,
        }


#: what each annotation of :class:`ShimSettings` accepts (the Literal aliases are strings)
_SCALAR = {"Mode": str, "FailMode": str, "Decision": str, "bool": bool, "int": int}


def _typed(value: object, kind: str, key: str) -> object:
    if kind == "tuple[str, ...]":
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
    elif isinstance(value, _SCALAR[kind]) and (kind == "bool") == isinstance(value, bool):
        return value
    raise ValueError(f"setting '{key}' has the wrong type: {value!r}")


def _read(path: str, limit: int = 1 << 20) -> bytes:
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    try:
        return os.read(fd, limit)
    finally:
        os.close(fd)


def policy_cache_path(loc: Locations) -> str | None:
    return loc.state(*POLICY_CACHE)


def _signature(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino]


def _full_load(warn: list[str], *, managed_only: bool = False) -> tuple[dict[str, object], bool]:
    """Load and validate the policy (imports jsonschema); returns (settings, cacheable)."""
    from hardener import policy as policy_module
    from hardener.errors import HardenerError
    from hardener.paths import Platform

    platform = Platform.current()
    user = platform.env.get("USER")
    try:
        if managed_only:
            effective = policy_module.merge_sources(
                policy_module.managed_sources(platform, user=user)
            )
        else:
            effective = policy_module.load_policy(platform)
        cacheable = not managed_only
    except HardenerError as exc:
        warn.append(f"policy ignored: {exc.message}")
        cacheable = False
        try:
            effective = policy_module.merge_sources(
                policy_module.managed_sources(platform, user=user)
            )
        except HardenerError as again:
            warn.append(f"managed policy ignored too: {again.message}")
            effective = policy_module.EffectivePolicy.defaults()
    return effective.settings.values(), cacheable


def load_settings(loc: Locations, warn: list[str]) -> ShimSettings:
    """The effective policy's :class:`ShimSettings`, from the cache when it is still valid.

    Problems are appended to ``warn`` (for stderr); the shim never fails to start over policy.
    Without a state directory (HOME unset) only the managed policy applies.
    """
    cache = policy_cache_path(loc)
    if _NO_CACHE or cache is None or loc.user_policy_file is None:
        return ShimSettings(_full_load(warn, managed_only=cache is None)[0])
    files = [*loc.managed_files, loc.user_policy_file]
    signatures = [[f, _signature(f)] for f in files]
    try:
        cached = json.loads(_read(cache))
        if (
            isinstance(cached, dict)
            and cached.get("v") == CACHE_VERSION
            and cached.get("sources") == signatures
            and isinstance(cached.get("settings"), dict)
        ):
            return ShimSettings(cached["settings"])
    except (OSError, ValueError):
        pass
    values, cacheable = _full_load(warn)
    if cacheable:
        document = {"v": CACHE_VERSION, "sources": signatures, "settings": values}
        assert loc.state_dir is not None
        _write_private(cache, json.dumps(document, sort_keys=True).encode(), warn, loc.state_dir)
    return ShimSettings(values)


def _write_private(path: str, data: bytes, warn: list[str], state_dir: str) -> None:
    from pathlib import Path

    from hardener.errors import HardenerError
    from hardener.fsutil import ensure_private_dir, write_private

    try:
        ensure_private_dir(Path(state_dir))
        write_private(Path(path), data)
    except HardenerError as exc:
        warn.append(f"cannot write {path}: {exc.message}")


# --- fingerprint key -------------------------------------------------------------------------


def key_path(loc: Locations) -> str | None:
    return loc.state(KEY_FILE)


def _parse_key(data: bytes) -> bytes | None:
    try:
        key = bytes.fromhex(data.strip().decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    return key if len(key) >= 16 else None


def fingerprint_key(loc: Locations) -> bytes:
    """The per-installation fingerprint key, created (0600) on first use."""
    path = key_path(loc)
    if path is None:
        raise SettingsError("no state directory (is HOME set?)")
    try:
        data = _read(path, 4096)
    except FileNotFoundError:
        return _create_key(loc, path)
    except OSError as exc:
        raise SettingsError(
            f"cannot read the fingerprint key {path}: {exc.strerror or exc}"
        ) from exc
    key = _parse_key(data)
    if key is None:
        raise SettingsError(f"the fingerprint key {path} is damaged; remove it to get a new one")
    return key


def _create_key(loc: Locations, path: str) -> bytes:
    from pathlib import Path

    from hardener.errors import HardenerError
    from hardener.fsutil import ensure_private_dir

    assert loc.state_dir is not None
    try:
        ensure_private_dir(Path(loc.state_dir))
    except HardenerError as exc:
        raise SettingsError(exc.message) from exc
    key = os.urandom(32)
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    try:
        os.write(fd, key.hex().encode() + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails when another shim created the key first: then use theirs
    except FileExistsError:
        return fingerprint_key(loc)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return key


# --- login-shell PATH ------------------------------------------------------------------------


def login_path_file(loc: Locations) -> str | None:
    return loc.state(LOGIN_PATH_FILE)


def read_login_path(loc: Locations) -> list[str]:
    """The directories of the recorded login-shell ``PATH`` (empty when none was recorded)."""
    path = login_path_file(loc)
    if path is None:
        return []
    try:
        document = json.loads(_read(path))
    except (OSError, ValueError):
        return []
    value = document.get("path") if isinstance(document, dict) else None
    if not isinstance(value, str):
        return []
    return [part for part in value.split(os.pathsep) if part]


def record_login_path(loc: Locations, path_value: str, shell: str) -> str:
    """Store the login shell's ``PATH`` for the shim (called by ``hardener harden``)."""
    path = login_path_file(loc)
    if path is None:
        raise SettingsError("no state directory (is HOME set?)")
    warn: list[str] = []
    document = {"v": 1, "path": path_value, "shell": shell}
    assert loc.state_dir is not None
    _write_private(path, json.dumps(document).encode() + b"\n", warn, loc.state_dir)
    if warn:
        raise SettingsError(warn[0])
    return path


def capture_login_path(shell: str | None = None, timeout: float = 10.0) -> str | None:
    """Ask the user's login shell for its ``PATH`` (POSIX only); ``None`` when that fails."""
    if _NO_CACHE:  # Windows: no login shell
        return None
    import subprocess

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


def refresh_login_path(env: Mapping[str, str]) -> str | None:
    """Capture the login shell's ``PATH`` and record it for the shim; a warning on failure.

    Called by ``hardener harden`` and by the agent at start (an MDM rollout never runs harden by
    hand: the agent hardens, and its own environment is the service manager's minimal one).
    Returns ``None`` when recorded (or when there is nothing to do), else what went wrong.
    """
    from hardener.shim.locate import locate

    loc = locate(env)
    if loc.state_dir is None or _NO_CACHE:  # no home, or Windows (no login shell)
        return None
    shell = env.get("SHELL") or "/bin/sh"
    value = capture_login_path(shell)
    if value is None:
        return f"could not read the login shell's PATH ({shell} -l); the shim keeps the last one"
    try:
        record_login_path(loc, value, shell)
    except SettingsError as exc:
        return f"could not record the login shell's PATH: {exc}"
    return None
