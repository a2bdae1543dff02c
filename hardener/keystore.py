"""Secrets in the OS keychain through ``keyring``, with the backend chosen explicitly (L2 service).

``import keyring`` and its auto-detection cost 70-240 ms, so only long-lived processes (the daemon,
CLI verbs that need keys) import this module; the shim never does.

A backend is *usable* when it is a real OS keychain: Secret Service (Linux), macOS Keychain,
Windows Credential Manager. ``fail``/``null`` backends and plaintext file backends are refused
(plaintext only with policy ``keychain.allow_insecure_backend``) with a message naming the missing
piece.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from hardener.errors import KeychainError
from hardener.paths import OS, current_os

log = logging.getLogger(__name__)

SERVICE = "hardener"

#: keyring backend classes that are real OS keychains, by OS.
REAL_BACKENDS: dict[OS, tuple[str, ...]] = {
    OS.LINUX: ("keyring.backends.SecretService.Keyring",),
    OS.MACOS: ("keyring.backends.macOS.Keyring",),
    OS.WINDOWS: ("keyring.backends.Windows.WinVaultKeyring",),
}
PLAINTEXT_BACKENDS = ("keyrings.alt.file.PlaintextKeyring",)

MISSING_PIECE = {
    OS.LINUX: "a Secret Service on the session D-Bus (for example gnome-keyring, unlocked)",
    OS.MACOS: "the login keychain (the daemon must run as a per-user LaunchAgent)",
    OS.WINDOWS: "Windows Credential Manager (run as the logged-in user, not SYSTEM)",
}


def _qualname(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


@dataclass(frozen=True)
class BackendInfo:
    name: str
    real: bool


class KeyStore:
    """Get/set/delete named secrets for hardener in one explicit keyring backend."""

    def __init__(self, backend: Any, *, namespace: str = SERVICE) -> None:
        self._backend = backend
        self.namespace = namespace

    @property
    def info(self) -> BackendInfo:
        name = _qualname(self._backend)
        return BackendInfo(name, any(name in names for names in REAL_BACKENDS.values()))

    def get(self, name: str) -> str | None:
        try:
            value: str | None = self._backend.get_password(self.namespace, name)
        except Exception as exc:
            raise _keyring_error("read", name, exc) from exc
        return value

    def set(self, name: str, value: str) -> None:
        try:
            self._backend.set_password(self.namespace, name, value)
        except Exception as exc:
            raise _keyring_error("write", name, exc) from exc

    def delete(self, name: str) -> None:
        try:
            self._backend.delete_password(self.namespace, name)
        except Exception as exc:
            if type(exc).__name__ == "PasswordDeleteError":
                return
            raise _keyring_error("delete", name, exc) from exc


def _keyring_error(action: str, name: str, exc: Exception) -> KeychainError:
    # Never include secret values; the item name and the error class are enough.
    reason = type(exc).__name__
    detail = "the keychain is locked" if "Locked" in reason else f"{reason}: {str(exc)[:200]}"
    return KeychainError(f"cannot {action} keychain item '{name}': {detail}")


def open_keystore(*, allow_insecure: bool = False, namespace: str = SERVICE) -> KeyStore:
    """The OS keychain, or :class:`KeychainError` saying exactly what is missing."""
    import keyring
    from keyring.backends import fail

    os_kind = current_os()
    backend = None
    for qualname in REAL_BACKENDS[os_kind]:
        candidate = _load_backend(qualname)
        if candidate is not None and _viable(candidate):
            backend = candidate
            break
    if backend is None:
        default = keyring.get_keyring()
        name = _qualname(default)
        if allow_insecure and name in PLAINTEXT_BACKENDS:
            log.warning("using an insecure keyring backend (%s) because policy allows it", name)
            return KeyStore(default, namespace=namespace)
        what = "none" if isinstance(default, fail.Keyring) else name
        raise KeychainError(
            f"no usable OS keychain: needs {MISSING_PIECE[os_kind]} (keyring's backend: {what})",
        )
    return KeyStore(backend, namespace=namespace)


def _load_backend(qualname: str) -> Any | None:
    module_name, _, class_name = qualname.rpartition(".")
    try:
        import importlib

        module = importlib.import_module(module_name)
        return getattr(module, class_name)()
    except Exception:  # backend module absent on this OS or its dependency missing
        return None


def _viable(backend: Any) -> bool:
    try:
        return float(type(backend).priority) > 0
    except Exception:
        return False
