"""The demo key store: a ``keyring`` backend keeping items in one 0600 file in the sandbox (L3 edge).

**For ``hardener demo`` only, on a machine without a Secret Service.** It is *not* an OS keychain:
anyone who can read the file has the ledger's keys. ``hardener.keystore`` accepts it only as an
insecure backend, i.e. only when the policy sets ``keychain.allow_insecure_backend`` (which the
demo's sandbox policy does, and ``hardener status`` then fails ``keystore.backend``). It is chosen
with ``PYTHON_KEYRING_BACKEND=hardener.demo.demokeys.DemoKeyring``; the file is named by
``HARDENER_DEMO_KEYSTORE``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV = "HARDENER_DEMO_KEYSTORE"
QUALNAME = "hardener.demo.demokeys.DemoKeyring"


class DemoKeyring(KeyringBackend):
    """Items in ``$HARDENER_DEMO_KEYSTORE`` (JSON, 0600): a labelled stand-in for a keychain."""

    priority = 0.1  # never chosen by keyring's auto-detection

    def _path(self) -> Path:
        name = os.environ.get(ENV)
        if not name:
            raise RuntimeError(f"{ENV} is not set: the demo key store has no file")
        return Path(name)

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self._path().read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"label": "hardener demo key store (NOT an OS keychain)", "items": {}}
        return data if isinstance(data, dict) else {"items": {}}

    def _save(self, data: dict[str, object]) -> None:
        path = self._path()
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
        os.replace(tmp, path)

    def get_password(self, service: str, username: str) -> str | None:
        value = self._load().get("items", {}).get(f"{service}/{username}")
        return value if isinstance(value, str) else None

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data.setdefault("items", {})[f"{service}/{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.get("items", {}).pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._save(data)
