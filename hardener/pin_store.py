"""The trust-on-first-use pin store: one 0600 JSON file per (client, server) (L2 service).

Layout: ``<state>/pins/<client>/<server>.json`` (directories 0700; names percent-encoded so any
client id or server name is a safe file name). Each file holds a
:class:`hardener.detect.pins.ServerPins` document: accepted definitions, pending changes, the
server's instructions. The comparison logic is pure (``hardener.detect.pins``); this module only
reads and writes, with compare-and-swap so two shims of the same pair (two windows of one client)
never lose each other's update.

Who calls what:

- the shim, on every ``tools/list`` result: :meth:`PinStore.observe` (pins on first sight, records
  pending changes); before forwarding a ``tools/call`` in enforce mode:
  ``should_refuse_call(store.view(client, server), client, server, tool)`` — :meth:`view` re-reads
  the file only when it changed on disk, so this costs a ``stat``;
- ``hardener approve``: :meth:`PinStore.approve`.

An unreadable or corrupt pin file is an error naming the file; it is never reset.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from hardener.detect.pins import DEFAULT_THRESHOLD, Changes, ServerPins, approve, observe
from hardener.errors import StateDirError, WriteConflictError
from hardener.fsutil import (
    FILE_MODE,
    FileSnapshot,
    atomic_write,
    ensure_private_dir,
    read_snapshot,
)
from hardener.paths import HardenerPaths

log = logging.getLogger(__name__)

SUFFIX = ".json"
CAS_ATTEMPTS = 8


def encode_name(name: str) -> str:
    """A client id or server name as one safe path component (reversible)."""
    return quote(name, safe="-_@+=,").replace(".", "%2E") or "%00"


def decode_name(component: str) -> str:
    return "" if component == "%00" else unquote(component)


@dataclass(frozen=True)
class Approval:
    client: str
    server: str
    approved: tuple[dict[str, str], ...]  # [{"tool": name or "" for instructions, "hash": …}]


class PinStore:
    """Reads and writes pin files under ``paths.pins_dir``."""

    def __init__(self, paths: HardenerPaths, *, threshold: int = DEFAULT_THRESHOLD) -> None:
        """``threshold``: the policy's ``detectors.description_score_threshold``, which grades
        every definition change :meth:`observe` records (callers pass the effective policy's)."""
        self.root = paths.pins_dir
        self.threshold = threshold
        self._cache: dict[tuple[str, str], tuple[tuple[int, int, int], ServerPins | None]] = {}

    def path_for(self, client: str, server: str) -> Path:
        return self.root / encode_name(client) / (encode_name(server) + SUFFIX)

    # --- reading --------------------------------------------------------------------------

    def _parse(self, path: Path, data: bytes) -> ServerPins:
        try:
            document = json.loads(data)
            return ServerPins.from_json(document)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StateDirError(
                f"pin file {path} is corrupt ({type(exc).__name__}); it was left untouched",
                remedy="Move the file aside to re-pin this server on its next tool list "
                "(trust on first use), or restore it from a backup.",
            ) from exc

    def load(self, client: str, server: str) -> ServerPins | None:
        path = self.path_for(client, server)
        if path.is_symlink():
            raise StateDirError(f"{path} is a symlink; hardener never follows links here")
        snapshot = read_snapshot(path)
        if snapshot.data is None:
            return None
        return self._parse(path, snapshot.data)

    def view(self, client: str, server: str) -> Mapping[tuple[str, str], ServerPins]:
        """``{(client, server): pins}`` for ``should_refuse_call``; cached until the file changes."""
        path = self.path_for(client, server)
        try:
            st = os.stat(path)
            key = (st.st_mtime_ns, st.st_size, st.st_ino)
        except FileNotFoundError:
            key = (0, 0, 0)
        cached = self._cache.get((client, server))
        if cached is None or cached[0] != key:
            cached = (key, self.load(client, server) if key != (0, 0, 0) else None)
            self._cache[(client, server)] = cached
        pins = cached[1]
        return {} if pins is None else {(client, server): pins}

    def all(self) -> list[ServerPins]:
        """Every pinned (client, server), sorted."""
        found: list[ServerPins] = []
        if not self.root.is_dir():
            return found
        for client_dir in sorted(self.root.iterdir()):
            if not client_dir.is_dir() or client_dir.is_symlink():
                continue
            for path in sorted(client_dir.glob(f"*{SUFFIX}")):
                pins = self.load(
                    decode_name(client_dir.name), decode_name(path.name[: -len(SUFFIX)])
                )
                if pins is not None:
                    found.append(pins)
        return found

    # --- writing --------------------------------------------------------------------------

    def _write(self, path: Path, pins: ServerPins, expected: FileSnapshot | None) -> None:
        ensure_private_dir(self.root)
        ensure_private_dir(path.parent)
        data = json.dumps(pins.to_json(), indent=1, sort_keys=True, ensure_ascii=False).encode()
        atomic_write(path, data + b"\n", mode=FILE_MODE, expected=expected)
        if os.name != "nt":
            os.chmod(path, FILE_MODE)

    def observe(
        self,
        client: str,
        server: str,
        tools: Sequence[Mapping[str, object]],
        instructions: str | None,
        *,
        complete: bool = True,
    ) -> Changes:
        """Pin on first sight or record what changed (see ``hardener.detect.pins.observe``)."""
        path = self.path_for(client, server)
        for _attempt in range(CAS_ATTEMPTS):
            snapshot = read_snapshot(path)
            pins = None if snapshot.data is None else self._parse(path, snapshot.data)
            updated, changes = observe(
                pins,
                client,
                server,
                tools,
                instructions,
                complete=complete,
                threshold=self.threshold,
            )
            if pins is not None and updated == pins:
                return changes
            try:
                self._write(path, updated, snapshot)
            except WriteConflictError:
                log.debug("pin file %s changed meanwhile; retrying", path)
                continue
            return changes
        raise WriteConflictError(
            f"pin file {path} kept changing; gave up after {CAS_ATTEMPTS} tries"
        )

    def approve(
        self, server: str, *, client: str | None = None, tool: str | None = None
    ) -> list[Approval]:
        """Accept pending definitions of ``server`` (for one client or all); returns what was
        approved per client (empty: nothing was pending)."""
        result: list[Approval] = []
        targets = [p for p in self.all() if p.server == server]
        if client is not None:
            targets = [p for p in targets if p.client == client]
        for target in targets:
            path = self.path_for(target.client, target.server)
            for _attempt in range(CAS_ATTEMPTS):
                snapshot = read_snapshot(path)
                if snapshot.data is None:
                    break
                pins = self._parse(path, snapshot.data)
                updated, approved = approve(pins, tool)
                if not approved:
                    break
                try:
                    self._write(path, updated, snapshot)
                except WriteConflictError:
                    continue
                result.append(Approval(target.client, target.server, tuple(approved)))
                break
            else:
                raise WriteConflictError(f"pin file {path} kept changing; nothing was approved")
        return result
