"""Opening the ledger for sealing: enrollment, crash repair, keychain roll-forward (L2 service).

On every start, before anything is sealed:

1. the keychain backend must be a real OS keychain (or a plaintext one that policy allows);
2. the single-writer lock is taken;
3. first start: enrollment (random ``S_0`` and ``T_0``, a log id; secrets to the keychain, public
   values to ``public/ledger.json``, then the genesis ``file_open`` record);
4. a torn last line of the active segment is cut at the last newline (a ``recovery`` record says
   how many bytes, and their hash); a rotation cut short by a crash is finished;
5. the keychain state is rolled forward to the ledger (it is written after each fsync, so it can
   lag by one commit): signing key generation, epoch seed, anchor. A keychain *ahead* of the ledger
   or an anchor beyond its end means the ledger was replaced or truncated: sealing is refused.

Nothing here touches the spool: when any step fails, every event stays where it is.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hardener.errors import KeychainError
from hardener.fsutil import fsync_dir
from hardener.keystore import KeyStore
from hardener.ledger.chain.keys import evolve, find_sign_seed, fingerprint, public_hex, signing_key
from hardener.ledger.chain.record import (
    FILE_CLOSE,
    FILE_OPEN,
    RECOVERY,
    ZERO_HASH,
    archive_name,
    dumps,
    parse,
)
from hardener.ledger.position import LedgerStateError, SealPosition, scan_segment
from hardener.ledger.sealkeys import SealKeys, enroll, load_keys, save_keys
from hardener.ledger.store import (
    ACTIVE,
    WriterLock,
    cut_torn_tail,
    ensure_ledger_dir,
    first_line,
    list_segments,
    read_public,
    torn_tail,
    write_public,
)
from hardener.ledger.writer import LedgerWriter, finish_rotation, iso
from hardener.paths import HardenerPaths

log = logging.getLogger(__name__)


def check_backend(keystore: KeyStore, *, allow_insecure: bool) -> None:
    """Refuse fail/null backends, and plaintext ones unless policy allows them."""
    info = keystore.info
    if info.real:
        return
    if allow_insecure and keystore.is_plaintext():
        log.warning("sealing with an insecure keychain backend (%s): policy allows it", info.name)
        return
    raise KeychainError(
        f"the keychain backend {info.name} is not a real OS keychain; refusing to seal "
        "(the spool keeps every event)",
    )


@dataclass
class Opened:
    writer: LedgerWriter
    lock: WriterLock
    public: dict[str, object]
    recovered_bytes: int


def public_from_genesis(line: bytes | None, backend: str) -> dict[str, object] | None:
    record = parse(line) if line else None
    if record is None or record.seq != 0 or record.kind != FILE_OPEN:
        return None
    first = str(record.body_json()["signer"])
    return {
        "v": 1,
        "log_id": record.log_id,
        "first_key": first,
        "fingerprint": fingerprint(first),
        "created": record.ts,
        "keychain_backend": backend,
    }


def open_ledger(
    paths: HardenerPaths,
    keystore: KeyStore,
    *,
    clock: Callable[[], float],
    allow_insecure: bool = False,
) -> Opened:
    check_backend(keystore, allow_insecure=allow_insecure)
    ledger_dir = ensure_ledger_dir(paths)
    lock = WriterLock(ledger_dir)
    try:
        return _open(paths, keystore, lock, clock)
    except BaseException:
        lock.release()
        raise


def _open(
    paths: HardenerPaths, keystore: KeyStore, lock: WriterLock, clock: Callable[[], float]
) -> Opened:
    ledger_dir = paths.ledger_dir
    now = clock()
    public = read_public(paths)
    segments = list_segments(ledger_dir)
    if public is None:
        if segments:
            public = public_from_genesis(first_line(segments[0].path), keystore.info.name)
            if public is None:
                raise LedgerStateError(
                    f"{paths.public_dir / 'ledger.json'} is missing and the ledger's genesis "
                    "record is gone: cannot tell which log this is",
                    remedy="Restore public/ledger.json from a backup; the spool is untouched.",
                )
        else:
            public = enroll(keystore, created=iso(now)).public
            log.info("enrolled a new ledger %s (%s)", public["log_id"], public["fingerprint"])
        write_public(paths, public)
    log_id = str(public["log_id"])
    keys = load_keys(keystore, log_id)

    active = ledger_dir / ACTIVE
    dropped = torn_tail(active) if active.exists() else b""
    # an active segment holding nothing but a torn line counts as absent
    empty_active = active.exists() and active.stat().st_size == len(dropped)
    segments = [s for s in list_segments(ledger_dir) if not (s.active and empty_active)]
    if not segments:
        if keys.anchor is not None or keys.generation or keys.epoch:
            raise LedgerStateError(
                f"the ledger of log {log_id} is missing from {ledger_dir} (the keychain "
                f"remembers checkpoint seq {keys.anchor.seq if keys.anchor else '?'})",
                remedy="Restore the ledger directory from a backup. To start a new log instead, "
                f"move {paths.public_dir / 'ledger.json'} away; the spool is untouched.",
            )
        if empty_active:
            active.unlink()
        return _genesis(
            ledger_dir, keys=keys, keystore=keystore, clock=clock, lock=lock, public=public
        )

    last = segments[-1]
    tail = scan_segment(last.path)  # stops before a torn last line
    if tail.log_id != log_id:
        raise LedgerStateError(f"{last.name} belongs to log {tail.log_id}, not {log_id}")
    if not last.active and tail.last_kind != FILE_CLOSE:
        raise LedgerStateError(f"{last.name} is archived but does not end with file_close")
    _roll_forward(keys, tail, keystore)
    # every check passed: only now is anything on disk changed
    previous: str | None = None
    if dropped:
        cut_torn_tail(active)
    if empty_active:
        active.unlink()
    if not last.active:
        previous = last.name
    elif tail.last_kind == FILE_CLOSE:  # crashed between file_close and the rename
        previous = archive_name(tail.segment_first_seq)
        finish_rotation(ledger_dir, previous)
    writer = LedgerWriter(ledger_dir, keys, tail, keystore, clock=clock)
    try:
        _after_crash(writer, tail, previous, dropped, now)
    except BaseException:
        writer.abort()
        raise
    return Opened(writer, lock, public, len(dropped))


def _after_crash(
    writer: LedgerWriter, tail: SealPosition, previous: str | None, dropped: bytes, now: float
) -> None:
    """A new segment if a rotation was cut short, a recovery record for a cut torn line."""
    if previous is not None:
        tail.segment_first_seq = tail.next_seq
        writer.append(FILE_OPEN, writer.open_body(genesis=False, previous=previous, now=now))
        writer.commit(sync=True)
        fsync_dir(writer.dir)
    if dropped:
        body = {
            "segment": ACTIVE,
            "dropped_bytes": len(dropped),
            "sha256": hashlib.sha256(dropped).hexdigest(),
            "reason": "torn last line cut at the last newline on start",
        }
        writer.append(RECOVERY, dumps(body).encode())
        writer.commit(sync=True)
        log.warning(
            "ledger: cut a torn last line (%d bytes) and sealed a recovery record", len(dropped)
        )
    writer.commit(sync=True)  # what the scan found is on disk before any spool file goes


def _genesis(
    ledger_dir: Path,
    *,
    keys: SealKeys,
    keystore: KeyStore,
    clock: Callable[[], float],
    lock: WriterLock,
    public: dict[str, object],
) -> Opened:
    now = clock()
    signer = public_hex(signing_key(keys.sign_seed))
    tail = SealPosition(keys.log_id, 0, ZERO_HASH, 0, now, 0, now, signer, None, 0, "")
    writer = LedgerWriter(ledger_dir, keys, tail, keystore, clock=clock)
    try:
        writer.append(FILE_OPEN, writer.open_body(genesis=True, previous=None, now=now), now=now)
        writer.commit(sync=True)
        fsync_dir(ledger_dir)
    except BaseException:
        writer.abort()
        raise
    return Opened(writer, lock, public, 0)


def _roll_forward(keys: SealKeys, tail: SealPosition, keystore: KeyStore) -> None:
    found = find_sign_seed(keys.sign_seed, keys.generation, tail.signer, limit=10_000)
    if found is None:
        raise LedgerStateError(
            f"the ledger expects checkpoint key {tail.signer[:16]}… next, and the keychain's "
            f"signing key (generation {keys.generation}) does not lead there: the ledger or the "
            "keychain item was replaced"
        )
    if tail.epoch < keys.epoch:
        raise LedgerStateError(
            f"the keychain's key is in epoch {keys.epoch} but the ledger only reaches epoch "
            f"{tail.epoch}: this ledger is an older copy"
        )
    if keys.anchor is not None and keys.anchor.seq >= tail.next_seq:
        raise LedgerStateError(
            f"the ledger ends at seq {tail.next_seq - 1} but the keychain remembers checkpoint "
            f"seq {keys.anchor.seq}: the ledger was truncated"
        )
    generation, sign_seed = found
    anchor = tail.last_signed or keys.anchor
    changed = (generation, tail.epoch, anchor) != (keys.generation, keys.epoch, keys.anchor)
    keys.seed = evolve(keys.seed, tail.epoch - keys.epoch)
    keys.epoch = tail.epoch
    keys.generation, keys.sign_seed = generation, sign_seed
    keys.anchor = anchor
    if changed:
        save_keys(keystore, keys)
        log.info("rolled the keychain state forward to the ledger (generation %d)", generation)
