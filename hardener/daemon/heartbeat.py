"""The status cache ``public/status.json``: the daemon's heartbeat, readable by root (L2 service).

The daemon rewrites it every ``daemon.heartbeat_seconds`` and whenever its content changes, with an
atomic rename, mode 0644 inside a 0755 ``public/`` directory, so a root/SYSTEM ``hardener status``
can read it without the user's keychain. It holds no secrets: counts, timestamps, server and
client names, ledger public values; never argv, env values or tool arguments.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from hardener.fsutil import atomic_write, ensure_private_dir
from hardener.paths import HardenerPaths

log = logging.getLogger(__name__)

HEARTBEAT_NAME = "status.json"
HEARTBEAT_SCHEMA = "heartbeat.schema.json"
PUBLIC_DIR_MODE = 0o755
PUBLIC_FILE_MODE = 0o644
#: Keys that change on every beat and do not count as "a change" on their own.
VOLATILE = frozenset({"updated_at", "updated_unix"})


def heartbeat_path(paths: HardenerPaths) -> Path:
    return paths.public_dir / HEARTBEAT_NAME


def ensure_public_dir(paths: HardenerPaths) -> Path:
    ensure_private_dir(paths.state_dir)
    return ensure_private_dir(paths.public_dir, mode=PUBLIC_DIR_MODE)


def write_public(path: Path, document: dict[str, object]) -> None:
    """Atomically write a world-readable JSON document in the public directory."""
    data = json.dumps(document, indent=1, sort_keys=True).encode() + b"\n"
    target = atomic_write(path, data, mode=PUBLIC_FILE_MODE)
    if os.name != "nt":
        os.chmod(target, PUBLIC_FILE_MODE)


def read_heartbeat(paths: HardenerPaths) -> dict[str, Any] | None:
    """The last heartbeat, or None when absent or unreadable (never raises)."""
    try:
        document = json.loads(heartbeat_path(paths).read_bytes())
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


class HeartbeatWriter:
    """Write ``status.json`` when its content changed or the beat interval passed."""

    def __init__(self, paths: HardenerPaths) -> None:
        self.path = heartbeat_path(paths)
        self._paths = paths
        self._last: dict[str, object] | None = None
        self._last_write = float("-inf")

    def due(self, document: dict[str, object], now: float, interval: float) -> bool:
        stable = {k: v for k, v in document.items() if k not in VOLATILE}
        return stable != self._last or now - self._last_write >= interval

    def write(self, document: dict[str, object], now: float) -> None:
        ensure_public_dir(self._paths)
        write_public(self.path, document)
        self._last = {k: v for k, v in document.items() if k not in VOLATILE}
        self._last_write = now
