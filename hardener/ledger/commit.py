"""Group commit off the sealing thread: fsync, then the keychain write (L2 service).

A checkpoint costs an ``fsync`` (milliseconds) and a keychain write (4-20 ms through the Secret
Service). Doing both on the sealing thread would cap sealing at a few thousand records a second,
so the sealer hands each commit to this one background thread and keeps sealing. Order is kept
where it matters: the thread fsyncs the segment *before* it writes the key state that describes
it, so the keychain can lag the ledger but never lead it. Commits queued while one is running
are merged (the newest key state wins). :attr:`Committer.durable_seq` tells the sealer which
records are on disk, which is when their spool files may go. An error (keychain locked, disk
full) is kept and raised on the sealing thread at the next :meth:`submit` or :meth:`drain`.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

from hardener.keystore import KeyStore
from hardener.ledger.sealkeys import SealKeys, save_keys

log = logging.getLogger(__name__)


@dataclass
class _Job:
    fd: int
    keys: SealKeys | None
    seq: int


class Committer:
    def __init__(self, keystore: KeyStore) -> None:
        self.keystore = keystore
        self.durable_seq = -1
        self.error: BaseException | None = None
        self._cond = threading.Condition()
        self._job: _Job | None = None
        self._busy = False
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="ledger-commit", daemon=True)
        self._thread.start()

    def submit(self, fd: int, keys: SealKeys | None, seq: int) -> None:
        """Queue ``fsync(fd)`` then ``save_keys(keys)``; ``seq`` is the last record written."""
        with self._cond:
            self._raise()
            if self._job is not None:
                keys = keys or self._job.keys
                seq = max(seq, self._job.seq)
            self._job = _Job(fd, keys, seq)
            self._cond.notify_all()

    def drain(self) -> None:
        """Wait until every queued commit is done (before a rotation, a close, a sync commit)."""
        with self._cond:
            while self._job is not None or self._busy:
                self._cond.wait()
            self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._job is None and not self._stop:
                    self._cond.wait()
                if self._job is None:
                    return
                job, self._job = self._job, None
                self._busy = True
            try:
                os.fsync(job.fd)
                if job.keys is not None:
                    save_keys(self.keystore, job.keys)
            except BaseException as exc:  # handed to the sealing thread
                log.error("ledger commit failed: %s", exc)
                with self._cond:
                    self.error = exc
                    self._busy = False
                    self._cond.notify_all()
                continue
            with self._cond:
                self.durable_seq = max(self.durable_seq, job.seq)
                self._busy = False
                self._cond.notify_all()

    def mark_durable(self, seq: int) -> None:
        with self._cond:
            self.durable_seq = max(self.durable_seq, seq)

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout=30)
