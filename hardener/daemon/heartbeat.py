"""The status cache ``public/status.json``: the daemon's heartbeat, readable by root (L2 service).

The daemon rewrites it every ``daemon.heartbeat_seconds`` and whenever its content changes, with an
atomic rename, mode 0644 inside a 0755 ``public/`` directory, so a root/SYSTEM ``hardener status``
can read it without the user's keychain. It holds no secrets: counts, timestamps, server and
client names, ledger public values; never argv, env values or tool arguments.

:class:`Heartbeat` is its shape; readers take it through :func:`parse_heartbeat`, which checks it
against ``schemas/heartbeat.schema.json`` first: the file sits in the user's own directory, so a
root ``hardener status`` treats it as untrusted input.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal, NotRequired, TypedDict, cast

from hardener.fsutil import atomic_write, ensure_private_dir
from hardener.paths import HardenerPaths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

    from hardener.daemon.alertlog import AlertSummary
    from hardener.export.targets import TargetHealth

log = logging.getLogger(__name__)

HEARTBEAT_NAME = "status.json"
HEARTBEAT_SCHEMA = "heartbeat.schema.json"
PUBLIC_DIR_MODE = 0o755
PUBLIC_FILE_MODE = 0o644
#: Keys that change on every beat and do not count as "a change" on their own.
VOLATILE = frozenset({"updated_at", "updated_unix"})


class SealingState(TypedDict):
    """The heartbeat's ``sealing`` object: is the agent sealing, with which key store, how far."""

    ok: bool
    problem: str | None
    backend: NotRequired[str | None]
    backend_real: NotRequired[bool | None]
    sealed_total: NotRequired[int]
    last_seal_unix: NotRequired[float | None]
    spool: NotRequired[Mapping[str, object]]
    ledger: NotRequired[Mapping[str, object] | None]


class Heartbeat(TypedDict):
    """``public/status.json`` (``schemas/heartbeat.schema.json``)."""

    schema: str
    version: str
    state: Literal["starting", "running", "stopped"]
    pid: int
    process_create_time: NotRequired[float | None]
    started_at: str
    updated_at: str
    updated_unix: float
    heartbeat_seconds: float
    host: NotRequired[str]
    user: NotRequired[str | None]
    mode: NotRequired[str]
    sealing: SealingState
    drift: NotRequired[Mapping[str, object]]
    processes: NotRequired[Mapping[str, object]]
    alerts: NotRequired[AlertSummary]
    export: NotRequired[dict[str, TargetHealth] | None]
    detection: NotRequired[Mapping[str, object]]


class HeartbeatInvalid(ValueError):
    """The status cache is JSON but not a heartbeat (edited, truncated, or another program's)."""


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    from hardener.policy import load_schema

    return Draft202012Validator(load_schema(HEARTBEAT_SCHEMA))


def parse_heartbeat(document: object) -> Heartbeat:
    """``document`` as a :class:`Heartbeat`; raises :class:`HeartbeatInvalid` naming the field."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(document))
    if error is not None:
        raise HeartbeatInvalid(
            f"not a heartbeat ({HEARTBEAT_SCHEMA}): {error.message} at {error.json_path}"
        )
    return cast("Heartbeat", document)


def heartbeat_path(paths: HardenerPaths) -> Path:
    return paths.public_dir / HEARTBEAT_NAME


def ensure_public_dir(paths: HardenerPaths) -> Path:
    ensure_private_dir(paths.state_dir)
    return ensure_private_dir(paths.public_dir, mode=PUBLIC_DIR_MODE)


def write_public(path: Path, document: Mapping[str, object]) -> None:
    """Atomically write a world-readable JSON document in the public directory."""
    data = json.dumps(document, indent=1, sort_keys=True).encode() + b"\n"
    target = atomic_write(path, data, mode=PUBLIC_FILE_MODE)
    if os.name != "nt":
        os.chmod(target, PUBLIC_FILE_MODE)


def read_heartbeat(paths: HardenerPaths) -> Heartbeat | None:
    """The last heartbeat, or None when absent, unreadable or not a heartbeat (never raises)."""
    try:
        return parse_heartbeat(json.loads(heartbeat_path(paths).read_bytes()))
    except (OSError, ValueError):
        return None


class HeartbeatWriter:
    """Write ``status.json`` when its content changed or the beat interval passed."""

    def __init__(self, paths: HardenerPaths) -> None:
        self.path = heartbeat_path(paths)
        self._paths = paths
        self._last: dict[str, object] | None = None
        self._last_write = float("-inf")

    def due(self, document: Heartbeat, now: float, interval: float) -> bool:
        stable = {k: v for k, v in document.items() if k not in VOLATILE}
        return stable != self._last or now - self._last_write >= interval

    def write(self, document: Heartbeat, now: float) -> None:
        ensure_public_dir(self._paths)
        write_public(self.path, document)
        self._last = {k: v for k, v in document.items() if k not in VOLATILE}
        self._last_write = now
