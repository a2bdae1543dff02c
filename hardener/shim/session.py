"""Shared set-up of one shim session: redactor, tracker, recorder, protocol stdout (L2 shim).

:func:`prepare` builds what every transport needs from the cheap settings; :func:`protect_stdout`
moves the protocol stream to a private descriptor and points fd 1 (and ``sys.stdout``) at stderr,
so that no stray ``print`` from any library can ever corrupt the protocol.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hardener._version import __version__
from hardener.errors import StateDirError
from hardener.paths import HardenerPaths
from hardener.redact import DEFAULT_MAX_VALUE_BYTES, Redactor
from hardener.shim.gate import Gate
from hardener.shim.recorder import Recorder, Spool
from hardener.shim.tracker import SessionTracker


@dataclass
class Session:
    client: str
    server: str
    gate: Gate
    redactor: Redactor
    tracker: SessionTracker
    recorder: Recorder


def warn(text: str) -> None:
    with contextlib.suppress(OSError):
        os.write(2, text.encode("utf-8", "replace") + b"\n")


def protect_stdout() -> int:
    """A private duplicate of fd 1 for protocol bytes; fd 1 itself now goes to stderr."""
    proto = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return proto


def make_redactor(key: bytes, settings: dict[str, Any]) -> Redactor:
    return Redactor(
        key,
        extra_keys=list(settings.get("redaction.keys") or []),
        extra_patterns=list(settings.get("redaction.patterns") or []),
        max_value_bytes=int(settings.get("redaction.max_value_bytes") or DEFAULT_MAX_VALUE_BYTES),
    )


def prepare(
    paths: HardenerPaths | None,
    settings: dict[str, Any],
    key: bytes,
    *,
    client: str,
    server: str,
    start_body: dict[str, Any],
    open_spool: Callable[[], Spool] | None = None,
) -> Session:
    from hardener.spool import SpoolWriter

    gate = Gate.from_settings(settings, server)
    redactor = make_redactor(key, settings)
    body = {
        "pid": os.getpid(),
        "cwd": os.getcwd(),
        "shim_version": __version__,
        "policy_mode": settings.get("mode"),
        **start_body,
    }
    tracker = SessionTracker(redactor, body)

    def default_open() -> Spool:
        if paths is None:
            raise StateDirError("no state directory (is HOME set?)")
        return SpoolWriter(paths, client=client, server=server)

    recorder = Recorder(tracker, open_spool or default_open, gate, warn)
    return Session(client, server, gate, redactor, tracker, recorder)


def launch_fingerprints(
    redactor: Redactor, argv: list[str], env_names: list[str]
) -> dict[str, str]:
    """Keyed fingerprints of the launch argv, and of argv plus the environment's variable names."""
    import json

    argv_json = json.dumps(argv, ensure_ascii=False)
    return {
        "argv_fingerprint": redactor.fingerprint(argv_json),
        "server_fingerprint": redactor.fingerprint(
            json.dumps([argv, sorted(env_names)], ensure_ascii=False)
        ),
    }
