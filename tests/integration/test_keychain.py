"""The real OS keychain through keyring (Secret Service under dbus-run-session on Linux CI)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap

import pytest

from hardener.errors import KeychainError
from hardener.keystore import open_keystore

pytestmark = pytest.mark.keychain


def _secret_service_available() -> bool:
    return bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))


@pytest.mark.skipif(sys.platform != "linux", reason="Secret Service is the Linux keychain")
def test_store_and_read_a_secret_through_secret_service():
    if not _secret_service_available():
        if os.environ.get("CI"):
            pytest.fail("CI must run the keychain tests under dbus-run-session with gnome-keyring")
        pytest.skip("no session D-Bus; run the suite through scripts/test")
    store = open_keystore(namespace=f"hardener-test-{secrets.token_hex(4)}")
    assert store.info.name == "keyring.backends.SecretService.Keyring"
    assert store.info.real
    value = secrets.token_hex(32)
    store.set("seed", value)
    try:
        assert store.get("seed") == value
        # readable by another process, as the daemon and the CLI are separate processes
        proc = subprocess.run(
            ["secret-tool", "lookup", "service", store.namespace, "username", "seed"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if proc.returncode == 0 or proc.stdout:
            assert proc.stdout.strip() == value
    finally:
        store.delete("seed")
    assert store.get("seed") is None


def test_no_backend_is_a_clear_error(tmp_path):
    """Without a session bus there is no Secret Service: the error names the missing piece."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBUS")}
    env["HOME"] = str(tmp_path)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    script = textwrap.dedent("""
        from hardener.errors import KeychainError
        from hardener.keystore import open_keystore
        try:
            open_keystore()
        except KeychainError as e:
            print(e.message)
            print(e.remedy)
            raise SystemExit(0)
        raise SystemExit("no error raised")
    """)
    proc = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "no usable OS keychain" in proc.stdout
    if sys.platform == "linux":
        assert "Secret Service" in proc.stdout
        assert "gnome-keyring" in proc.stdout


def test_keychain_error_type_is_exit_3():
    assert KeychainError("x").exit_code == 3
