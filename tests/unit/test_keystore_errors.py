"""A keychain backend's error never carries the secret into hardener's error or its chain."""

from __future__ import annotations

import traceback

import pytest

from hardener.errors import KeychainError
from hardener.keystore import KeyStore

SECRET = '{"seed":"9f2c4e1d0b8a7f6e5d4c3b2a19081726"}'


class EchoingBackend:
    """A backend (a fake, for this one function) whose error message echoes the password."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"cannot store {password!r} for {username}")


class PlainFailingBackend:
    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("the keychain daemon went away")


def test_a_backend_echoing_the_value_has_it_cut_out_of_the_error_and_the_traceback() -> None:
    store = KeyStore(EchoingBackend())  # type: ignore[arg-type]
    with pytest.raises(KeychainError) as caught:
        store.set("hardener-ledger-state", SECRET)
    assert "hardener-ledger-state" in caught.value.message
    assert "[redacted]" in caught.value.message
    shown = "".join(traceback.format_exception(caught.value))  # what -v prints
    assert "9f2c4e1d0b8a7f6e" not in shown


def test_other_backend_errors_keep_their_reason_and_cause() -> None:
    store = KeyStore(PlainFailingBackend())  # type: ignore[arg-type]
    with pytest.raises(KeychainError) as caught:
        store.set("hardener-ledger-state", SECRET)
    assert "the keychain daemon went away" in caught.value.message
    assert isinstance(caught.value.__cause__, RuntimeError)
