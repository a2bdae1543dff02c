"""Appending sealed records: group commit, checkpoints, epoch closes, rotation, pruning (L2).

Records are built in memory and written with one ``write`` per batch; ``commit`` is the group
commit: write, ``fsync``, then store the key state in the keychain. The keychain is written only
after the ledger is durable, so after a crash it may lag the ledger (the sealer then rolls it
forward) but never lead it. A key that evolved in memory is gone from memory at once; from the
keychain at the next commit.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from hardener.fsutil import fsync_dir
from hardener.keystore import KeyStore
from hardener.ledger.chain.build import make_line, signed_body
from hardener.ledger.chain.findings import Anchor
from hardener.ledger.chain.keys import evolve, evolve_sign, mac_key, public_hex, signing_key
from hardener.ledger.chain.record import (
    CHECKPOINT,
    EPOCH_CLOSE,
    FILE_CLOSE,
    FILE_OPEN,
    PRUNE,
    archive_name,
    dumps,
    line_hash,
)
from hardener.ledger.commit import Committer
from hardener.ledger.position import LedgerStateError, SealPosition, spool_map_json
from hardener.ledger.sealkeys import SealKeys, save_keys
from hardener.ledger.store import ACTIVE, AppendFile, first_line
from hardener.timestamps import utc_timestamp

log = logging.getLogger(__name__)


_LAST_ISO: list[tuple[float, str]] = [(-1.0, "")]


def iso(moment: float) -> str:
    """RFC 3339 UTC with microseconds; records sealed in one pass share a moment (cached)."""
    cached = _LAST_ISO[0]
    if cached[0] == moment:
        return cached[1]
    text = utc_timestamp(datetime.fromtimestamp(moment, UTC))
    _LAST_ISO[0] = (moment, text)
    return text


class LedgerWriter:
    """The one writer of a ledger directory (the caller holds the writer lock)."""

    def __init__(
        self,
        ledger_dir: Path,
        keys: SealKeys,
        tail: SealPosition,
        keystore: KeyStore,
        *,
        clock: Callable[[], float],
    ) -> None:
        self.dir = ledger_dir
        self.keys = keys
        self.tail = tail
        self.keystore = keystore
        self.clock = clock
        self._mac_key = mac_key(keys.seed)
        self._buffer: list[bytes] = []
        self._file = AppendFile(ledger_dir / ACTIVE)
        self._keys_dirty = False
        self.committer = Committer(keystore)

    # --- records --------------------------------------------------------------------------
    def append(self, kind: str, body: bytes, *, now: float | None = None) -> int:
        """Seal one record into the buffer; returns its seq."""
        seq = self._seal(kind, iso(self.clock() if now is None else now), body)
        self.tail.since_signed += 1
        return seq

    def _seal(self, kind: str, ts: str, body: bytes) -> int:
        """MAC one line at the tail, buffer it and advance the chain; returns its seq."""
        tail = self.tail
        seq = tail.next_seq
        line = make_line(
            seq=seq,
            ts=ts,
            log_id=tail.log_id,
            epoch=tail.epoch,
            kind=kind,
            prev=tail.prev,
            body=body,
            key=self._mac_key,
        )
        self._buffer.append(line)
        tail.next_seq = seq + 1
        tail.prev = line_hash(line)
        tail.last_kind = kind
        return seq

    def _signed(
        self, kind: str, now: float, *, through: int | None = None, next_start: float | None = None
    ) -> int:
        tail, keys = self.tail, self.keys
        seq = tail.next_seq
        ts = iso(now)
        body = signed_body(
            seq=seq,
            ts=ts,
            log_id=tail.log_id,
            epoch=tail.epoch,
            kind=kind,
            prev=tail.prev,
            records=tail.since_signed,
            sign_seed=keys.sign_seed,
            through=through,
            next_start=next_start,
        )
        self._seal(kind, ts, body)
        tail.since_signed = 0
        tail.last_signed = Anchor(seq, tail.prev)
        tail.last_signed_at = now
        # the signing key that made this signature is dropped now; the next one is named in it
        keys.sign_seed = evolve_sign(keys.sign_seed)
        keys.generation += 1
        tail.signer = public_hex(signing_key(keys.sign_seed))
        self._keys_dirty = True
        return seq

    def checkpoint(self, *, now: float | None = None, sync: bool = False) -> int:
        """A signed checkpoint, then the group commit."""
        seq = self._signed(CHECKPOINT, self.clock() if now is None else now)
        self.commit(sync=sync)
        return seq

    def close_epochs(self, now: float, epoch_seconds: float) -> int:
        """Close the current epoch and every epoch missed meanwhile; returns how many closed."""
        tail = self.tail
        elapsed = int((now - tail.epoch_start) // epoch_seconds)
        if elapsed < 1:
            return 0
        through = tail.epoch + elapsed - 1
        next_start = tail.epoch_start + elapsed * epoch_seconds
        self._signed(EPOCH_CLOSE, now, through=through, next_start=next_start)
        self.keys.seed = evolve(self.keys.seed, elapsed)
        self.keys.epoch = through + 1
        self._mac_key = mac_key(self.keys.seed)
        tail.epoch = through + 1
        tail.epoch_start = next_start
        self.commit()
        return elapsed

    # --- the sealer's view of the position (read-only except the spool marks) ---------------
    @property
    def next_seq(self) -> int:
        return self.tail.next_seq

    @property
    def unsigned_records(self) -> int:
        """Records sealed since the last signed record (checkpoint or epoch close)."""
        return self.tail.since_signed

    @property
    def last_signed_at(self) -> float:
        return self.tail.last_signed_at

    @property
    def epoch_start(self) -> float:
        return self.tail.epoch_start

    def spool_mark(self, name: str) -> tuple[int, bool] | None:
        """How far spool file ``name`` is sealed (next offset, session ended), if known."""
        entry = self.tail.spool.get(name)
        return (int(entry[0]), bool(entry[1])) if entry else None

    def spool_names(self) -> list[str]:
        return list(self.tail.spool)

    def set_spool_mark(self, name: str, next_offset: int, ended: bool) -> None:
        """Record how far ``name`` is sealed (carried into the next segment's ``file_open``)."""
        self.tail.spool[name] = [next_offset, ended]

    def forget_spool(self, name: str) -> None:
        self.tail.spool.pop(name, None)

    # --- durability -----------------------------------------------------------------------
    def flush(self) -> None:
        if self._buffer:
            data = b"".join(self._buffer)
            self._buffer.clear()
            self._file.write(data)

    def commit(self, *, sync: bool = False) -> None:
        """Group commit: write, fsync, then store the key state and anchor in the keychain.

        Asynchronous by default (:class:`~hardener.ledger.commit.Committer`); ``sync`` waits
        for it, as rotation, start-up and close do.
        """
        self.flush()
        keys = None
        if self._keys_dirty:
            self.keys.anchor = self.tail.last_signed
            keys = replace(self.keys)
            self._keys_dirty = False
        last = self.tail.next_seq - 1
        if not sync:
            self.committer.submit(self._file.fd, keys, last)
            return
        self.committer.drain()
        self._file.sync()
        if keys is not None:
            save_keys(self.keystore, keys)
        self.committer.mark_durable(last)

    @property
    def durable_seq(self) -> int:
        return self.committer.durable_seq

    @property
    def active_bytes(self) -> int:
        return self._file.size + sum(len(line) for line in self._buffer)

    def abort(self) -> None:
        """Stop without committing (opening failed): nothing more is written."""
        self._buffer.clear()
        self.committer.close()
        self._file.close()

    def close(self) -> None:
        try:
            self.commit(sync=True)
        finally:
            self.committer.close()
            self._file.close()

    # --- the active segment deleted or replaced under the writer ----------------------------
    def detached(self) -> str | None:
        """``deleted`` or ``replaced`` when the active segment's path no longer names the file
        this writer appends to (one ``fstat`` and one ``stat``), else None."""
        return self._file.detached()

    def restore_active(self) -> int:
        """Put the active segment back at its path from the open descriptor; returns its bytes.

        Everything written so far (buffered records included) is copied into a new file at the
        path, which must be free (the caller moves a replacement aside), and appending goes on
        there: the chain continues and no sealed record is lost with the deleted file.
        """
        self.committer.drain()
        self.flush()
        old = self._file
        copied = old.copy_into(self.dir / ACTIVE)
        self._file = AppendFile(self.dir / ACTIVE)
        old.close()
        fsync_dir(self.dir)
        return copied

    @property
    def segment_first_seq(self) -> int:
        return self.tail.segment_first_seq

    @property
    def head(self) -> str:
        """The hash of the last record sealed (what the next record's ``prev`` holds)."""
        return self.tail.prev

    @property
    def anchor(self) -> Anchor | None:
        """The last signed record: the anchor the keychain holds once it is committed."""
        return self.tail.last_signed or self.keys.anchor

    # --- segments -------------------------------------------------------------------------
    def open_body(self, *, genesis: bool, previous: str | None, now: float) -> bytes:
        tail = self.tail
        body: dict[str, object] = {}
        if genesis:
            body["genesis"] = True
        body.update(
            previous=previous,
            signer=tail.signer,
            epoch_start=tail.epoch_start,
            since_signed=tail.since_signed,
            spool=spool_map_json(tail.spool),
        )
        return dumps(body).encode()

    def rotate(self) -> str:
        """Checkpoint, ``file_close``, rename to an archive, a new segment with ``file_open``."""
        now = self.clock()
        if self.tail.since_signed:
            self._signed(CHECKPOINT, now)
        first = self.tail.segment_first_seq
        name = archive_name(first)
        records = self.tail.next_seq - first + 1
        self.append(
            FILE_CLOSE,
            dumps({"segment": name, "first_seq": first, "records": records}).encode(),
            now=now,
        )
        self.commit(sync=True)
        self._file.close()
        finish_rotation(self.dir, name)
        self._file = AppendFile(self.dir / ACTIVE)
        self.tail.segment_first_seq = self.tail.next_seq
        self.append(FILE_OPEN, self.open_body(genesis=False, previous=name, now=now), now=now)
        self.commit(sync=True)
        fsync_dir(self.dir)
        log.info("rotated the ledger: %s", name)
        return name

    def prune(self, doomed: list[Path], kept_first: Path) -> int:
        """Seal a ``prune`` record naming the segments, make it durable, then delete them."""
        head = first_line(kept_first)
        if head is None:
            raise LedgerStateError(f"{kept_first.name} has no complete first line")
        from hardener.ledger.chain.record import parse

        record = parse(head)
        if record is None or record.kind != FILE_OPEN:
            raise LedgerStateError(f"{kept_first.name} does not start with a file_open record")
        body = {
            "segments": [p.name for p in doomed],
            "resume_seq": record.seq,
            "resume_prev": record.prev,
            "resume_signer": record.body_json().get("signer"),
        }
        seq = self.append(PRUNE, dumps(body).encode())
        self.commit(sync=True)
        for path in doomed:
            path.unlink(missing_ok=True)
        fsync_dir(self.dir)
        return seq


def finish_rotation(ledger_dir: Path, archive: str) -> None:
    """Rename the closed active segment to its archive name (also after a crash mid-rotation)."""
    target = ledger_dir / archive
    if target.exists():
        raise LedgerStateError(f"cannot rotate: {target} already exists")
    os.replace(ledger_dir / ACTIVE, target)
    fsync_dir(ledger_dir)
