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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from hardener.errors import KeychainError
from hardener.paths import OS, current_os

TYPE_CHECKING = False
if TYPE_CHECKING:  # keyring and secretstorage are imported when a keychain is opened
    from keyring.backend import KeyringBackend
    from secretstorage.collection import Collection

T = TypeVar("T")


class _Closable(Protocol):
    def close(self) -> None: ...


log = logging.getLogger(__name__)

SERVICE = "hardener"

#: keyring backend classes that are real OS keychains, by OS.
REAL_BACKENDS: dict[OS, tuple[str, ...]] = {
    OS.LINUX: ("keyring.backends.SecretService.Keyring",),
    OS.MACOS: ("keyring.backends.macOS.Keyring",),
    OS.WINDOWS: ("keyring.backends.Windows.WinVaultKeyring",),
}
#: Backends accepted only with policy ``keychain.allow_insecure_backend``: plaintext files (the
#: demo's labelled sandbox store is one).
PLAINTEXT_BACKENDS = ("keyrings.alt.file.PlaintextKeyring", "hardener.demo.demokeys.DemoKeyring")

MISSING_PIECE = {
    OS.LINUX: "a Secret Service on the session D-Bus (for example gnome-keyring, unlocked)",
    OS.MACOS: "the login keychain (the daemon must run as a per-user LaunchAgent)",
    OS.WINDOWS: "Windows Credential Manager (run as the logged-in user, not SYSTEM)",
}


def _qualname(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


@dataclass(frozen=True)
class BackendInfo:
    name: str
    real: bool


class KeyStore:
    """Get/set/delete named secrets for hardener in one explicit keyring backend.

    With the Secret Service backend, reads and writes go through one cached D-Bus connection
    (``secretstorage``, the library ``keyring`` itself uses, with the same item attributes so
    ``keyring`` and ``secret-tool`` see the same items): about 4 ms per write instead of ~20 ms,
    which matters because the sealer writes its key state at every checkpoint. A locked
    collection is an error, never a prompt: the daemon runs unattended.
    """

    def __init__(self, backend: KeyringBackend, *, namespace: str = SERVICE) -> None:
        self._backend = backend
        self.namespace = namespace
        self._session: _SecretServiceSession | None = None
        if _qualname(backend) == REAL_BACKENDS[OS.LINUX][0]:
            self._session = _SecretServiceSession(namespace)

    def is_plaintext(self) -> bool:
        return self.info.name in PLAINTEXT_BACKENDS

    @property
    def info(self) -> BackendInfo:
        name = _qualname(self._backend)
        return BackendInfo(name, any(name in names for names in REAL_BACKENDS.values()))

    def get(self, name: str) -> str | None:
        try:
            if self._session is not None:
                return self._session.get(name)
            value: str | None = self._backend.get_password(self.namespace, name)
        except Exception as exc:
            raise _keyring_error("read", name, exc) from exc
        return value

    def set(self, name: str, value: str) -> None:
        try:
            if self._session is not None:
                self._session.set(name, value)
                return
            self._backend.set_password(self.namespace, name, value)
        except Exception as exc:
            error = _keyring_error("write", name, exc, secret=value)
            if value and value in str(exc):
                raise error from None  # the backend's message carries the value: never chain it
            raise error from exc

    def delete(self, name: str) -> None:
        try:
            if self._session is not None:
                self._session.delete(name)
                return
            self._backend.delete_password(self.namespace, name)
        except Exception as exc:
            if type(exc).__name__ == "PasswordDeleteError":
                return
            raise _keyring_error("delete", name, exc) from exc

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


class _LockedError(Exception):
    """The Secret Service collection is locked (we never prompt to unlock it)."""


class _SecretServiceSession:
    """One cached D-Bus connection to the default Secret Service collection."""

    APPID = "Python keyring library"  # what keyring writes, so both see the same items

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        #: secretstorage's D-Bus connection (jeepney ships no types): kept to be closed
        self._conn: _Closable | None = None
        self._collection: Collection | None = None

    def _open(self) -> Collection:
        import secretstorage

        if self._collection is None:
            self._conn = secretstorage.dbus_init()
            self._collection = secretstorage.get_default_collection(self._conn)
        if self._collection.is_locked():
            raise _LockedError("the Secret Service collection is locked")
        return self._collection

    def _retry(self, action: Callable[[Collection], T]) -> T:
        try:
            return action(self._open())
        except _LockedError:
            raise
        except Exception:  # a dropped connection: reconnect once
            self.close()
            return action(self._open())

    def _query(self, name: str) -> dict[str, str]:
        return {"service": self.namespace, "username": name}

    def get(self, name: str) -> str | None:
        def read(collection: Collection) -> str | None:
            for item in collection.search_items(self._query(name)):
                secret: bytes = item.get_secret()
                return secret.decode("utf-8")
            return None

        return self._retry(read)

    def set(self, name: str, value: str) -> None:
        attributes = {**self._query(name), "application": self.APPID}
        label = f"Password for '{name}' on '{self.namespace}'"
        self._retry(lambda c: c.create_item(label, attributes, value.encode("utf-8"), replace=True))

    def delete(self, name: str) -> None:
        def remove(collection: Collection) -> None:
            for item in list(collection.search_items(self._query(name))):
                item.delete()

        self._retry(remove)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # already gone
                log.debug("closing the Secret Service connection failed", exc_info=True)
        self._conn = None
        self._collection = None


def _keyring_error(
    action: str, name: str, exc: Exception, *, secret: str | None = None
) -> KeychainError:
    # Never include secret values; the item name and the error class are enough. A backend that
    # echoes the value it was given in its message gets it cut out.
    reason = type(exc).__name__
    text = str(exc)
    if secret:
        text = text.replace(secret, "[redacted]")
    locked = "Locked" in reason or "is locked" in text
    detail = "the keychain is locked" if locked else f"{reason}: {text[:200]}"
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


def _load_backend(qualname: str) -> KeyringBackend | None:
    module_name, _, class_name = qualname.rpartition(".")
    try:
        import importlib

        module = importlib.import_module(module_name)
        backend: KeyringBackend = getattr(module, class_name)()
        return backend
    except Exception:  # backend module absent on this OS or its dependency missing
        return None


def _viable(backend: KeyringBackend) -> bool:
    try:
        return float(type(backend).priority) > 0
    except Exception:
        return False
