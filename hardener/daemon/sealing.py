"""The daemon's side of sealing: open the keychain, drive the sealer, survive its absence (L2).

Wraps :class:`hardener.ledger.sealing.sealer.Sealer`. When no usable keychain exists (or the ledger cannot
be opened) the daemon keeps running: drift repair and status still work, the problem is logged and
published in the heartbeat, the spool is left untouched (nothing lost), and opening is retried at
every sweep. Events the daemon itself produces (``config.*``, alerts) then go to the daemon's own
spool file, to be sealed once the keychain is back.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from hardener.errors import HardenerError
from hardener.event_bodies import SessionEndBody, SessionStartBody
from hardener.keystore import KeyStore
from hardener.ledger.sealing.sealer import Sealer
from hardener.paths import HardenerPaths
from hardener.settings import Settings
from hardener.spool import SUFFIX, SpoolWriter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.export.targets import TargetHealth

log = logging.getLogger(__name__)

DAEMON_CLIENT = "hardener"
DAEMON_SERVER = "daemon"

KeystoreFactory = Callable[[Settings], KeyStore | None]
SealerFactory = Callable[[HardenerPaths, Settings, KeyStore | None], "Sealing"]


class Sealing(Protocol):
    """What the service drives of :class:`Sealer` (tests substitute a recorder)."""

    def seal_pending(self) -> int: ...
    def tick(self) -> None: ...
    def append(self, kind: str, body: Mapping[str, object]) -> int: ...
    def close(self) -> None: ...


def open_policy_keystore(settings: Settings) -> KeyStore:
    from hardener.keystore import open_keystore

    return open_keystore(allow_insecure=settings.keychain.allow_insecure_backend)


class SealingService:
    def __init__(
        self,
        paths: HardenerPaths,
        settings: Settings,
        *,
        keystore_factory: KeystoreFactory = open_policy_keystore,
        sealer_factory: SealerFactory = Sealer,
    ) -> None:
        self._paths = paths
        self._settings = settings
        self._keystore_factory = keystore_factory
        self._sealer_factory = sealer_factory
        self.sealer: Sealing | None = None
        self.problem: str | None = None
        self.backend: str | None = None
        self.backend_real: bool | None = None
        self.sealed_total = 0
        self.last_seal_unix: float | None = None
        self._fallback: SpoolWriter | None = None
        self._closed_cleanly = False

    @property
    def ok(self) -> bool:
        """Sealing works: the ledger is open (or was, until a clean close)."""
        return self.sealer is not None or (self._closed_cleanly and self.problem is None)

    def start(self) -> bool:
        """Open the keychain and the ledger; False (with :attr:`problem` set) when impossible."""
        if self.sealer is not None:
            return True
        try:
            keystore = self._keystore_factory(self._settings)
            info = getattr(keystore, "info", None)
            if info is not None:
                self.backend, self.backend_real = str(info.name), bool(info.real)
            self.sealer = self._sealer_factory(self._paths, self._settings, keystore)
        except HardenerError as exc:
            if exc.message != self.problem:
                log.error("cannot seal the audit log: %s (%s)", exc.message, exc.remedy)
            self.problem = exc.message
            self.sealer = None
            return False
        if self.problem:
            log.warning("sealing works again")
        self.problem = None
        self._close_fallback()
        return True

    def seal(self) -> int:
        """Seal every complete spool line; 0 when sealing is unavailable (the spool waits)."""
        if self.sealer is None:
            return 0
        try:
            count = int(self.sealer.seal_pending() or 0)
        except HardenerError as exc:
            self._fail(exc)
            return 0
        if count:
            self.sealed_total += count
            self.last_seal_unix = time.time()
        return count

    def take_breaks(self) -> list[int]:
        """Seqs of ``ledger_break`` records the sealer sealed since the last call (the ledger
        was deleted or replaced under it and put back)."""
        take = getattr(self.sealer, "take_breaks", None)
        return list(take()) if take is not None else []

    def export_health(self) -> dict[str, TargetHealth] | None:
        """Each export target's state while sealing runs (None: no target, or not sealing)."""
        health = getattr(self.sealer, "export_health", None)
        found: dict[str, TargetHealth] | None = health() if health is not None else None
        return found

    def tick(self) -> None:
        if self.sealer is None:
            return
        try:
            self.sealer.tick()
        except HardenerError as exc:
            self._fail(exc)

    def append(self, kind: str, body: Mapping[str, object]) -> int | None:
        """Seal a daemon-originated record; without a sealer it waits in the daemon's spool."""
        if self.sealer is not None:
            try:
                seq = int(self.sealer.append(kind, body))
                self.sealed_total += 1
                self.last_seal_unix = time.time()
                return seq
            except HardenerError as exc:
                self._fail(exc)
        if self._fallback is None:
            # A session of its own, like a shim's: the pid tells the sealer its writer is alive.
            self._fallback = SpoolWriter(self._paths, client=DAEMON_CLIENT, server=DAEMON_SERVER)
            start: SessionStartBody = {"pid": os.getpid(), "transport": "daemon"}
            self._fallback.emit("session.start", start)
        self._fallback.emit(kind, body)
        return None

    def _close_fallback(self) -> None:
        """End the daemon's spool session; its lines are sealed like any shim's."""
        if self._fallback is None:
            return
        try:
            end: SessionEndBody = {"reason": "client_closed"}
            self._fallback.emit("session.end", end)
        except OSError as exc:
            log.error("cannot end the agent's spool session: %s", exc)
        self._fallback.close()
        self._fallback = None

    def _fail(self, exc: HardenerError) -> None:
        log.error("sealing stopped: %s (%s)", exc.message, exc.remedy)
        self.problem = exc.message
        self._close_sealer()

    def _close_sealer(self) -> None:
        sealer, self.sealer = self.sealer, None
        if sealer is not None:
            try:
                sealer.close()
            except HardenerError as exc:
                log.error("closing the ledger failed: %s", exc.message)

    def close(self) -> None:
        """Seal what is left, write the final checkpoint, release the ledger."""
        self.seal()
        self._closed_cleanly = self.sealer is not None
        self._close_sealer()
        self._close_fallback()

    def backlog(self) -> dict[str, object]:
        """Spool files waiting and the age of the oldest (cheap: stat only)."""
        files, size, oldest = 0, 0, None
        try:
            entries = list(os.scandir(self._paths.spool_dir))
        except OSError:
            entries = []
        for entry in entries:
            if not entry.name.endswith(SUFFIX):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            files += 1
            size += st.st_size
            oldest = st.st_mtime if oldest is None else min(oldest, st.st_mtime)
        return {"files": files, "bytes": size, "oldest_mtime": oldest}

    def spool_dir(self) -> Path:
        return self._paths.spool_dir
