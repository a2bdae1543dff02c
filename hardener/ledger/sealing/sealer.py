"""Seals spooled events into the ledger (L2 service): the daemon's only way to write the ledger.

Interface the agent loop relies on::

    sealer = Sealer(paths, settings, keystore)   # enrolls on first use; KeychainError if none
    sealed = sealer.seal_pending()             # ingest every complete spool line, in order
    sealer.tick()                               # time-based duties: checkpoint, epoch close
    sealer.append(kind, body)                   # seal a daemon-originated record (alert, config.*)
    sealer.close()                              # final checkpoint, fsync
    sealer.take_breaks()                        # seqs of ledger_break records sealed since

Before each of these the sealer checks that its active segment is still at its path; when the
ledger was deleted or replaced under it, ``hardener.ledger.breaks`` puts it back and seals a
``ledger_break`` record (the agent then verifies and raises ``ledger.tampered``).

Each spool line becomes one record whose body names the spool file and the line's byte offset, so
a sealer killed at any point and restarted neither loses nor duplicates an event (the position is
rebuilt from the ledger, see ``hardener.ledger.position``). Spool files are removed only after their
session ended and the commit that made every line durable. Group commit: ``fsync`` happens at
checkpoints (every ``ledger.checkpoint_records`` records or ``ledger.checkpoint_seconds``), epoch
closes and rotations. Dead-writer rules: ``hardener.ledger.sealing.spool_reader``. The sealer
uses only the public methods of :class:`~hardener.ledger.writer.LedgerWriter`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from hardener.events import make_event, new_session_id
from hardener.keystore import KeyStore, open_keystore
from hardener.ledger.breaks import restore_if_detached
from hardener.ledger.chain.record import dumps, parse, split_lines
from hardener.ledger.opener import open_ledger
from hardener.ledger.sealing.spool_reader import (
    READ_LIMIT,
    Cursor,
    SpoolFile,
    anomaly_event,
    event_body,
    list_spool,
    load_cursor,
    parse_event,
    process_alive,
    read_from,
    sealer_body,
    writer_gone,
)
from hardener.ledger.store import last_line, list_segments
from hardener.paths import HardenerPaths
from hardener.settings import Settings
from hardener.timestamps import parse_timestamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.export.targets import Exporter, TargetHealth

log = logging.getLogger(__name__)

RETENTION_EVERY = 600.0


class Sealer:
    def __init__(
        self,
        paths: HardenerPaths,
        settings: Settings,
        keystore: KeyStore | None,
        *,
        clock: Callable[[], float] = time.time,
        dead_after: float = 30.0,
        orphan_after: float = 300.0,
        alive: Callable[[int, float | None], bool] = process_alive,
    ) -> None:
        allow_insecure = settings.keychain.allow_insecure_backend
        self._own_keystore = keystore is None
        if keystore is None:
            keystore = open_keystore(allow_insecure=allow_insecure)
        self.keystore = keystore
        self.paths = paths
        self.clock = clock
        self.dead_after = dead_after
        self.orphan_after = orphan_after
        self.alive = alive
        ledger = settings.ledger
        self.checkpoint_records = ledger.checkpoint_records
        self.checkpoint_seconds = float(ledger.checkpoint_seconds)
        self.epoch_seconds = float(ledger.epoch_seconds)
        self.segment_bytes = ledger.segment_bytes
        self.retention_seconds = ledger.retention_days * 86400.0
        try:
            opened = open_ledger(paths, keystore, clock=clock, allow_insecure=allow_insecure)
        except BaseException:
            if self._own_keystore:
                keystore.close()
            raise
        self.writer = opened.writer
        self.public = opened.public
        self._lock = opened.lock
        self.cursors: dict[str, Cursor] = {}
        self._session = new_session_id()
        self._n = 0
        self._last_retention = 0.0
        self._submitted = -1
        self._closed = False
        self._breaks: list[int] = []
        self.exporter: Exporter | None = None
        targets = list(settings.export.targets)
        if targets:
            from hardener.export.targets import Exporter

            self.exporter = Exporter(paths, targets)

    @property
    def log_id(self) -> str:
        return str(self.public["log_id"])

    # --- the interface ------------------------------------------------------------------------
    def seal_pending(self) -> int:
        """Seal every complete spool line not sealed yet; returns how many lines were sealed."""
        now = self.clock()
        self._check_attached(now)
        self._close_epochs(now)
        sealed = 0
        for spool_file in list_spool(self.paths.spool_dir):
            try:
                sealed += self._ingest(spool_file, now)
            except FileNotFoundError:  # removed by someone else meanwhile; nothing to read
                log.warning("spool file %s vanished before it was sealed", spool_file.path.name)
                self.cursors.pop(spool_file.path.name, None)
        durable = self.writer.durable_seq
        waiting = max((c.last_seq for c in self.cursors.values() if c.ended), default=-1)
        if waiting > max(durable, self._submitted):
            # a session ended: make it durable now (fsync only) so its spool file can go
            self.writer.commit()
            self._submitted = waiting
        else:
            self.writer.flush()
        self._remove_finished()
        self._maybe_rotate()
        return sealed

    def tick(self) -> None:
        """Epoch closes, time-based checkpoints, rotation, retention, exports."""
        now = self.clock()
        self._check_attached(now)
        self._close_epochs(now)
        writer = self.writer
        if writer.unsigned_records and now - writer.last_signed_at >= self.checkpoint_seconds:
            self._checkpoint()
        self._maybe_rotate()
        if now - self._last_retention >= RETENTION_EVERY:
            self._last_retention = now
            self._retention(now)
        if self.exporter is not None:
            self.exporter.export_pending()

    def append(self, kind: str, body: Mapping[str, object]) -> int:
        """Seal a daemon-originated event (``alert``, ``config.*``); returns its seq."""
        now = self.clock()
        self._check_attached(now)
        event = make_event(
            kind,
            body,
            session=self._session,
            n=self._n,
            client=str(body.get("client", "")),
            server=str(body.get("server", "")),
            moment=datetime.fromtimestamp(now, UTC),
        )
        self._n += 1
        seq = self.writer.append(kind, dumps({"origin": "daemon", "event": event}).encode())
        self._after_record()
        self.writer.flush()
        return seq

    def export_health(self) -> dict[str, TargetHealth] | None:
        """Each export target's state, None when the policy names no target."""
        return self.exporter.health() if self.exporter is not None else None

    def take_breaks(self) -> list[int]:
        """Seqs of the ``ledger_break`` records sealed since the last call."""
        breaks, self._breaks = self._breaks, []
        return breaks

    def _check_attached(self, now: float) -> None:
        """Put the ledger back when it was deleted or replaced under us (cheap when it was not)."""
        restored = restore_if_detached(self.writer, self._lock, self.paths, self.public, now)
        if restored is not None:
            self._lock = restored.lock
            self._breaks.append(restored.seq)

    def close(self) -> None:
        """A final checkpoint (when anything is unsigned), fsync, release the ledger."""
        if self._closed:
            return
        self._closed = True
        try:
            self._check_attached(self.clock())
            if self.writer.unsigned_records:
                self.writer.checkpoint(sync=True)
            else:
                self.writer.commit(sync=True)
            self._remove_finished()
            if self.exporter is not None:
                self.exporter.export_pending()
                self.exporter.close()
        finally:
            try:
                self.writer.close()
            finally:
                self._lock.release()
                if self._own_keystore:
                    self.keystore.close()

    def __enter__(self) -> Sealer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- spool ----------------------------------------------------------------------------
    def _cursor(self, spool_file: SpoolFile) -> Cursor:
        name = spool_file.path.name
        cursor = self.cursors.get(name)
        if cursor is None:
            offset, ended = self.writer.spool_mark(name) or (0, False)
            cursor = Cursor(name, offset, ended)
            if cursor.offset:
                load_cursor(spool_file.path, cursor)
            self.cursors[name] = cursor
        return cursor

    def _ingest(self, spool_file: SpoolFile, now: float) -> int:
        cursor = self._cursor(spool_file)
        path, name = spool_file.path, cursor.name
        sealed = 0
        if spool_file.size < cursor.offset:
            problem = f"spool file shrank from {cursor.offset} to {spool_file.size} bytes"
            event = anomaly_event(cursor, b"", problem, now)
            self._seal(
                cursor,
                "protocol.anomaly",
                sealer_body(name, spool_file.size, 0, event),
                spool_file.size,
            )
            sealed += 1
        while spool_file.size > cursor.offset:
            data = read_from(path, cursor.offset)
            lines, _torn = split_lines(data)
            if not lines and len(data) == READ_LIMIT:  # one line longer than a read
                data = read_from(path, cursor.offset, spool_file.size - cursor.offset)
                lines, _torn = split_lines(data)
            if not lines:
                break
            for line in lines:
                self._seal_line(cursor, line, now)
                sealed += 1
        if not cursor.ended and writer_gone(
            cursor,
            spool_file,
            now,
            dead_after=self.dead_after,
            orphan_after=self.orphan_after,
            alive=self.alive,
        ):
            sealed += self._writer_lost(cursor, spool_file, now)
        return sealed

    def _seal_line(self, cursor: Cursor, line: bytes, now: float) -> None:
        offset, raw = cursor.offset, line[:-1]
        event = parse_event(raw)
        if isinstance(event, str):
            synthetic = anomaly_event(cursor, raw, event, now)
            body = sealer_body(cursor.name, offset, len(line), synthetic)
            self._seal(cursor, "protocol.anomaly", body, offset + len(line), now)
            return
        cursor.learn(event)
        body = event_body(cursor.name, offset, len(line), raw, event)
        self._seal(cursor, str(event["kind"]), body, offset + len(line), now)

    def _writer_lost(self, cursor: Cursor, spool_file: SpoolFile, now: float) -> int:
        sealed = 0
        if spool_file.size > cursor.offset:
            torn = read_from(spool_file.path, cursor.offset, spool_file.size - cursor.offset)
            event = anomaly_event(cursor, torn, "torn last line of a writer that is gone", now)
            body = sealer_body(cursor.name, cursor.offset, len(torn), event)
            self._seal(cursor, "protocol.anomaly", body, cursor.offset + len(torn), now)
            sealed += 1
        detail = f"writer process {cursor.pid} is gone" if cursor.pid else "no writer for too long"
        end = cursor.synthetic(
            "session.end", {"reason": "error", "detail": "writer_gone", "note": detail}, now
        )
        cursor.ended = True
        self._seal(
            cursor,
            "session.end",
            sealer_body(cursor.name, cursor.offset, 0, end),
            cursor.offset,
            now,
        )
        log.info("spool %s: writer gone, session closed by the sealer", cursor.name)
        return sealed + 1

    def _seal(
        self, cursor: Cursor, kind: str, body: bytes, next_offset: int, now: float | None = None
    ) -> None:
        cursor.last_seq = self.writer.append(kind, body, now=now)
        cursor.offset = next_offset
        self.writer.set_spool_mark(cursor.name, next_offset, cursor.ended)
        self._after_record()

    # --- duties ---------------------------------------------------------------------------
    def _after_record(self) -> None:
        if self.writer.unsigned_records >= self.checkpoint_records:
            self._checkpoint()
            self._maybe_rotate()

    def _checkpoint(self) -> None:
        self.writer.checkpoint()
        self._remove_finished()

    def _close_epochs(self, now: float) -> None:
        if now - self.writer.epoch_start >= self.epoch_seconds:
            closed = self.writer.close_epochs(now, self.epoch_seconds)
            log.info("closed %d epoch(s); the MAC key evolved", closed)
            self._remove_finished()

    def _maybe_rotate(self) -> None:
        if self.writer.active_bytes >= self.segment_bytes:
            self._drop_vanished()
            self.writer.rotate()
            self._remove_finished()

    def _remove_finished(self) -> None:
        """Remove spool files whose session ended and is wholly sealed and durable."""
        durable = self.writer.durable_seq
        for name, cursor in list(self.cursors.items()):
            if not cursor.ended or cursor.last_seq > durable:
                continue
            path = self.paths.spool_dir / name
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                size = -1
            if size <= cursor.offset:
                path.unlink(missing_ok=True)
                del self.cursors[name]
                self.writer.forget_spool(name)

    def _drop_vanished(self) -> None:
        for name in self.writer.spool_names():
            if not (self.paths.spool_dir / name).exists():
                self.writer.forget_spool(name)
                self.cursors.pop(name, None)

    def _retention(self, now: float) -> None:
        segments = list_segments(self.paths.ledger_dir)
        doomed = []
        for index, segment in enumerate(segments[:-1]):
            if segment.active:
                break
            line = last_line(segment.path)
            record = parse(line) if line else None
            if record is None or now - parse_timestamp(record.ts) < self.retention_seconds:
                break
            doomed.append((index, segment))
        if doomed:
            kept_first = segments[doomed[-1][0] + 1].path
            self.writer.prune([s.path for _, s in doomed], kept_first)
            log.info("retention: pruned %d ledger segment(s)", len(doomed))
