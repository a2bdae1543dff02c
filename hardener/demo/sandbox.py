"""The demo's sandbox home and its key store (L3 edge).

Every process of the demo gets an environment confined to the sandbox: ``HOME`` and the XDG
directories inside it, no ``DBUS_SESSION_BUS_ADDRESS`` of the real session (so the real keychain is
never touched) and none of the variables that point clients elsewhere. The key store is, in order
of preference:

- ``gnome-keyring``: a private D-Bus session (``dbus-daemon`` on a socket inside the sandbox) with
  ``gnome-keyring-daemon`` serving a new keyring stored in the sandbox home, when both are
  installed: the real Secret Service code path, nothing of the user's keychain;
- ``file``: :mod:`hardener.demo.demokeys`, a clearly labelled file in the sandbox, accepted only
  because the sandbox policy allows an insecure backend.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from hardener.demo import demokeys

#: variables of the real session that must not leak into the sandbox
_DROP_PREFIXES = ("XDG_", "CLAUDE_", "CODEX_", "GEMINI_", "HARDENER_", "DBUS_", "PYTHON_KEYRING")
_DROP = frozenset({"CONTINUE_GLOBAL_DIR", "APPDATA", "LOCALAPPDATA", "USERPROFILE"})
BUS_NAME = "org.freedesktop.secrets"
START_TIMEOUT = 10.0


@dataclass
class KeyStoreSetup:
    kind: str  # "gnome-keyring" | "file"
    description: str
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        """End the processes this setup started (by their own handles, newest first)."""
        for proc in reversed(self.processes):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        self.processes.clear()


@dataclass
class Sandbox:
    root: Path
    home: Path
    env: dict[str, str]
    keys: KeyStoreSetup | None = None

    @property
    def state_dir(self) -> Path:
        return self.home / ".local" / "state" / "hardener"

    def tilde(self, path: Path) -> str:
        """``path`` relative to the sandbox home, as ``~/…``, for the narrative."""
        try:
            return "~/" + str(path.relative_to(self.home))
        except ValueError:
            return str(path)


def confined_env(home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(_DROP_PREFIXES) and k not in _DROP
    }
    run = home / ".run"
    run.mkdir(mode=0o700, parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_RUNTIME_DIR=str(run),
        PYTHONUNBUFFERED="1",
    )
    return env


def make_sandbox(root: Path) -> Sandbox:
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    home = root / "home"
    home.mkdir(mode=0o700, exist_ok=True)
    return Sandbox(root, home, confined_env(home))


def _bus_has(address: str, name: str) -> bool:
    from jeepney import DBusAddress, new_method_call  # type: ignore[import-untyped]
    from jeepney.io.blocking import open_dbus_connection  # type: ignore[import-untyped]

    bus = DBusAddress(
        "/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus"
    )
    with contextlib.closing(open_dbus_connection(bus=address)) as conn:
        reply = conn.send_and_get_reply(new_method_call(bus, "NameHasOwner", "s", (name,)))
        return bool(reply.body[0])


def start_gnome_keyring(sandbox: Sandbox) -> KeyStoreSetup | None:
    """A private D-Bus session with gnome-keyring, or None when either is not installed/usable."""
    if sys.platform != "linux":
        return None
    else:  # an else branch: mypy --platform darwin/win32 sees the rest as platform code, not dead
        return _start_gnome_keyring(sandbox)


def _start_gnome_keyring(sandbox: Sandbox) -> KeyStoreSetup | None:
    dbus = shutil.which("dbus-daemon", path=sandbox.env.get("PATH"))
    keyring_daemon = shutil.which("gnome-keyring-daemon", path=sandbox.env.get("PATH"))
    if dbus is None or keyring_daemon is None:
        return None
    setup = KeyStoreSetup("gnome-keyring", "")
    socket = sandbox.root / "bus"
    address = f"unix:path={socket}"
    try:
        setup.processes.append(
            subprocess.Popen(
                [dbus, "--session", "--nofork", "--nopidfile", f"--address={address}"],
                env=sandbox.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        deadline = time.monotonic() + START_TIMEOUT
        while not socket.exists():
            if time.monotonic() > deadline or setup.processes[0].poll() is not None:
                raise OSError("dbus-daemon did not start")
            time.sleep(0.01)
        env = {**sandbox.env, "DBUS_SESSION_BUS_ADDRESS": address}
        password = secrets.token_hex(16)
        daemon = subprocess.Popen(
            [keyring_daemon, "--foreground", "--unlock", "--components=secrets"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        setup.processes.append(daemon)
        assert daemon.stdin is not None
        daemon.stdin.write(password.encode())
        daemon.stdin.close()
        while not _bus_has(address, BUS_NAME):
            if time.monotonic() > deadline or daemon.poll() is not None:
                raise OSError("gnome-keyring-daemon did not start")
            time.sleep(0.02)
    except (OSError, ImportError, ValueError):
        setup.stop()
        return None
    secret_file = sandbox.root / "keyring-password"
    fd = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password)
    setup.env = {"DBUS_SESSION_BUS_ADDRESS": address}
    setup.description = (
        "a private D-Bus session with gnome-keyring: the real Secret Service code path, with a new "
        "keyring inside the sandbox (your own keychain is not touched)"
    )
    return setup


def file_key_store(sandbox: Sandbox) -> KeyStoreSetup:
    path = sandbox.root / "demo-keystore.json"
    return KeyStoreSetup(
        "file",
        f"the DEMO KEY STORE {path.name} inside the sandbox — a plain 0600 file, NOT an OS "
        "keychain (no Secret Service here); a real install needs one",
        env={"PYTHON_KEYRING_BACKEND": demokeys.QUALNAME, demokeys.ENV: str(path)},
    )


def setup_keys(sandbox: Sandbox, choice: str) -> KeyStoreSetup:
    """``choice``: auto (gnome-keyring when installed, else file), gnome-keyring, file."""
    setup = None
    if choice in ("auto", "gnome-keyring"):
        setup = start_gnome_keyring(sandbox)
    if setup is None:
        if choice == "gnome-keyring":
            from hardener.errors import KeychainError

            raise KeychainError(
                "cannot start a private D-Bus session with gnome-keyring",
                remedy="Install dbus and gnome-keyring, or run 'hardener demo --keystore file'.",
            )
        setup = file_key_store(sandbox)
    sandbox.keys = setup
    sandbox.env.update(setup.env)
    return setup
