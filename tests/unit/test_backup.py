"""Backups keyed by path and content, restorable by id."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hardener.backup import BackupStore
from hardener.errors import HardenerError, StateDirError


def test_save_list_restore(tmp_path: Path):
    store = BackupStore(tmp_path / "backups")
    config = tmp_path / "mcp.json"
    config.write_bytes(b'{"a": 1}')
    record = store.save(config, config.read_bytes(), reason="harden")
    assert store.list() == [record]
    config.write_bytes(b'{"a": 2}')
    store.restore(record.id)
    assert config.read_bytes() == b'{"a": 1}'
    # restoring backed up what it replaced
    assert {r.sha256 for r in store.list()} >= {record.sha256}
    assert len(store.list()) == 2


def test_same_content_is_stored_once(tmp_path: Path):
    store = BackupStore(tmp_path / "b")
    path = tmp_path / "x.json"
    first = store.save(path, b"same")
    second = store.save(path, b"same")
    assert first == second
    assert len(store.list()) == 1
    other = store.save(tmp_path / "y.json", b"same")
    assert other.id != first.id


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_backups_are_private(tmp_path: Path):
    store = BackupStore(tmp_path / "b")
    record = store.save(tmp_path / "x.json", b"GITHUB_TOKEN=ghp_secret")
    assert stat.S_IMODE((tmp_path / "b" / f"{record.id}.bak").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "b").stat().st_mode) == 0o700


def test_tampered_backup_is_refused(tmp_path: Path):
    store = BackupStore(tmp_path / "b")
    record = store.save(tmp_path / "x.json", b"orig")
    (tmp_path / "b" / f"{record.id}.bak").write_bytes(b"evil")
    with pytest.raises(HardenerError, match="does not match"):
        store.restore(record.id)


def test_corrupt_manifest_is_an_error_and_left_untouched(tmp_path: Path):
    store = BackupStore(tmp_path / "b")
    store.save(tmp_path / "x.json", b"orig")
    manifest = tmp_path / "b" / "manifest.json"
    manifest.write_bytes(b"{not json")
    with pytest.raises(StateDirError, match="corrupt"):
        store.save(tmp_path / "x.json", b"new")
    assert manifest.read_bytes() == b"{not json"


def test_unknown_id(tmp_path: Path):
    with pytest.raises(HardenerError, match="no backup"):
        BackupStore(tmp_path / "b").restore("nope")
