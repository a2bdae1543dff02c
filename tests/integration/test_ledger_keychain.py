"""No usable keychain, a locked one, a wrong item: the sealer refuses, says why, loses nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import cast

import pytest
from keyring.backend import KeyringBackend

from hardener.errors import KeychainError
from hardener.keystore import KeyStore
from hardener.ledger.opener import check_backend
from hardener.ledger.sealing.sealer import Sealer
from hardener.ledger.sealkeys import state_item
from hardener.ledger.store import read_public

from .ledger_support import (  # noqa: F401 - fixtures
    keystore_fixture,
    paths_fixture,
    require_keychain,
    settings,
    write_session,
)

pytestmark = pytest.mark.keychain

SCRIPT = textwrap.dedent("""
    import os, sys
    from hardener.ledger.sealing.sealer import Sealer
    from hardener.errors import KeychainError
    from hardener.paths import Platform, hardener_paths
    from hardener.settings import Settings
    from hardener.spool import SpoolWriter
    paths = hardener_paths(Platform.current())
    lock = sys.argv[1] == "lock"
    if lock:  # enroll first, then lock the login collection
        Sealer(paths, Settings(), None).close()
        import secretstorage
        conn = secretstorage.dbus_init()
        secretstorage.get_default_collection(conn).lock()
    with SpoolWriter(paths, client="c", server="s") as writer:
        writer.emit("session.start", {"pid": os.getpid()})
        writer.emit("session.end", {"reason": "client_closed"})
    before = writer.path.read_bytes()
    try:
        Sealer(paths, Settings(), None)
    except KeychainError as error:
        assert writer.path.read_bytes() == before, "the spool was touched"
        print(error.message)
        print(error.remedy)
        raise SystemExit(0)
    raise SystemExit("sealed without a usable keychain")
""")


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS", "XDG_"))}
    env["HOME"] = str(home)
    return env


def test_no_keychain_refuses_and_leaves_the_spool(tmp_path):
    env = _env(tmp_path)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, "none"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no usable OS keychain" in proc.stdout
    if sys.platform == "linux":
        assert "Secret Service" in proc.stdout
    spool = list((tmp_path / ".local/state/hardener/spool").iterdir())
    assert len(spool) == 1
    assert not (tmp_path / ".local/state/hardener/ledger").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="gnome-keyring is the Linux Secret Service")
def test_a_locked_keychain_refuses_and_leaves_the_spool(tmp_path):
    """In a private D-Bus session with its own gnome-keyring, so locking it harms no other test."""
    require_keychain()
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        pytest.skip("needs dbus-run-session and gnome-keyring-daemon")
    env = _env(tmp_path)
    env["KEYRING_PASSWORD"] = "locked-test"
    shell = (
        'printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets '
        '>/dev/null 2>&1; exec "$0" -c "$1" lock'
    )
    proc = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", shell, sys.executable, SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "locked" in proc.stdout


def test_a_damaged_or_foreign_item_refuses_and_leaves_the_spool(paths, keystore):
    write_session(paths, 2)
    with Sealer(paths, settings(), keystore) as sealer:
        assert sealer.seal_pending() == 6
    log_id = read_public(paths)["log_id"]
    genuine = keystore.get(state_item(log_id))
    writer = write_session(paths, 3)
    before = writer.path.read_bytes()
    try:
        keystore.set(state_item(log_id), "not json at all")
        with pytest.raises(KeychainError, match="is not a hardener ledger key state"):
            Sealer(paths, settings(), keystore)
        foreign = genuine.replace(log_id, "f" * 32)
        keystore.set(state_item(log_id), foreign)
        with pytest.raises(KeychainError, match="belongs to another log"):
            Sealer(paths, settings(), keystore)
        keystore.delete(state_item(log_id))
        with pytest.raises(KeychainError, match="has no key for ledger"):
            Sealer(paths, settings(), keystore)
        assert writer.path.read_bytes() == before
    finally:
        keystore.set(state_item(log_id), genuine)
    with Sealer(paths, settings(), keystore) as sealer:
        assert sealer.seal_pending() == 8


class _Backend:
    priority = 1


class PlaintextKeyring(_Backend):
    """Stands in for keyrings.alt's plaintext backend (only its class name matters here)."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


def _stand_in(backend: _Backend) -> KeyringBackend:
    """The stand-ins are read for their class name and priority only."""
    return cast(KeyringBackend, backend)


def test_a_plaintext_backend_needs_the_policy_switch():
    store = KeyStore(_stand_in(PlaintextKeyring()))
    with pytest.raises(KeychainError, match="not a real OS keychain"):
        check_backend(store, allow_insecure=False)
    check_backend(store, allow_insecure=True)
    with pytest.raises(KeychainError):
        check_backend(KeyStore(_stand_in(_Backend())), allow_insecure=True)
