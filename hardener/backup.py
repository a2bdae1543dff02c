"""Backups of user and client files before hardener changes them (L2 service).

A backup is a 0600 copy in ``backups/`` keyed by (absolute path, content hash): saving the same
content of the same file twice stores it once. ``manifest.json`` lists every backup so one can be
restored by id. Restoring is itself a change: the current content is backed up first.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from hardener.errors import HardenerError, StateDirError
from hardener.fsutil import (
    atomic_write,
    ensure_private_dir,
    read_snapshot,
    sha256_hex,
    write_private,
)

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BackupRecord:
    id: str
    path: str
    sha256: str
    size: int
    created: float
    reason: str


def backup_id(path: Path, data: bytes) -> str:
    key = f"{Path(path).absolute()}\0{sha256_hex(data)}".encode()
    return hashlib.sha256(key).hexdigest()[:20]


class BackupStore:
    """The backups directory and its manifest."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _manifest_path(self) -> Path:
        return self.directory / MANIFEST

    def list(self) -> list[BackupRecord]:
        path = self._manifest_path()
        snapshot = read_snapshot(path)
        if snapshot.data is None:
            return []
        try:
            rows = json.loads(snapshot.data)
            return [BackupRecord(**row) for row in rows["backups"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise StateDirError(
                f"the backup manifest {path} is corrupt; it was left untouched",
                remedy="Move it aside; the backup files next to it are intact and can be inspected.",
            ) from exc

    def save(self, path: Path, data: bytes, *, reason: str = "") -> BackupRecord:
        """Store ``data`` (the current content of ``path``) unless already stored."""
        ensure_private_dir(self.directory)
        record_id = backup_id(path, data)
        records = self.list()
        for record in records:
            if record.id == record_id:
                return record
        write_private(self.directory / f"{record_id}.bak", data)
        record = BackupRecord(
            record_id, str(Path(path).absolute()), sha256_hex(data), len(data), time.time(), reason
        )
        records.append(record)
        document = {"version": 1, "backups": [asdict(r) for r in records]}
        write_private(self._manifest_path(), json.dumps(document, indent=1).encode())
        return record

    def get(self, record_id: str) -> tuple[BackupRecord, bytes]:
        for record in self.list():
            if record.id == record_id:
                data = (self.directory / f"{record_id}.bak").read_bytes()
                if sha256_hex(data) != record.sha256:
                    raise HardenerError(
                        f"backup {record_id} does not match its recorded hash",
                        remedy="The backup was altered; do not restore from it.",
                    )
                return record, data
        raise HardenerError(
            f"no backup with id {record_id}",
            remedy="List backups in the manifest under the state directory.",
        )

    def restore(self, record_id: str) -> BackupRecord:
        """Write a backup back to its path (the current content is backed up first)."""
        record, data = self.get(record_id)
        target = Path(record.path)
        current = read_snapshot(target)
        if current.data is not None:
            self.save(target, current.data, reason=f"before restoring backup {record_id}")
        atomic_write(target, data, expected=current)
        return record
