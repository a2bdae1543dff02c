"""Atomic and compare-and-swap writes, private directories."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hardener.errors import FileWriteError, StateDirError, WriteConflictError
from hardener.fsutil import (
    TEMP_MARKER,
    atomic_write,
    ensure_private_dir,
    open_private_append,
    read_snapshot,
    write_private,
)

needs_posix = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


def test_replaces_content_and_keeps_mode(tmp_path: Path):
    target = tmp_path / "config.json"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]


def test_new_file_is_private_by_default(tmp_path: Path):
    target = tmp_path / "fresh.json"
    atomic_write(target, b"{}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_crash_between_temp_write_and_replace_leaves_original(tmp_path: Path):
    """A real process dies right before os.replace: the original is intact."""
    target = tmp_path / "settings.json"
    target.write_bytes(b'{"keep": true}\n')
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from hardener.fsutil import atomic_write
        atomic_write(Path({str(target)!r}), b"half-done", _before_replace=lambda tmp: os._exit(9))
    """)
    proc = subprocess.run([sys.executable, "-c", script], timeout=60, check=False)
    assert proc.returncode == 9
    assert target.read_bytes() == b'{"keep": true}\n'
    leftovers = [p.name for p in tmp_path.iterdir() if TEMP_MARKER in p.name]
    assert len(leftovers) == 1  # the temp file, never the real one


def test_failure_before_replace_cleans_the_temp_file(tmp_path: Path):
    target = tmp_path / "a.json"
    target.write_bytes(b"orig")

    def fail(_tmp: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(FileWriteError, match="no space left"):
        atomic_write(target, b"new", _before_replace=fail)
    assert target.read_bytes() == b"orig"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


@needs_posix
@pytest.mark.skipif(os.name != "nt" and os.geteuid() == 0, reason="root ignores permission bits")
def test_permission_denied_is_clear_and_changes_nothing(tmp_path: Path):
    locked = tmp_path / "locked"
    locked.mkdir()
    target = locked / "mcp.json"
    target.write_bytes(b"orig")
    os.chmod(locked, 0o500)
    try:
        with pytest.raises(FileWriteError, match="permission denied"):
            atomic_write(target, b"new")
    finally:
        os.chmod(locked, 0o700)
    assert target.read_bytes() == b"orig"


def test_permission_denied_at_rename_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """EACCES from the kernel at the rename (simulated: CI runs as root, which bypasses modes)."""
    import errno

    target = tmp_path / "mcp.json"
    target.write_bytes(b"orig")

    def denied(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(FileWriteError, match="permission denied; the original file is unchanged"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"orig"
    assert [p.name for p in tmp_path.iterdir()] == ["mcp.json"]


@needs_posix
def test_read_only_filesystem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """EROFS from the kernel (simulated at mkstemp: CI cannot mount a read-only fs)."""
    import errno
    import tempfile

    target = tmp_path / "x.json"
    target.write_bytes(b"orig")

    def erofs(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", erofs)
    with pytest.raises(FileWriteError, match="read-only file system"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"orig"


def test_symlinked_config_is_written_at_its_target_and_stays_a_link(tmp_path: Path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "mcp.json"
    real.write_bytes(b"old")
    link = tmp_path / "mcp.json"
    link.symlink_to(real)
    atomic_write(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"
    assert os.readlink(link) == str(real)


def test_compare_and_swap_detects_a_concurrent_writer(tmp_path: Path):
    target = tmp_path / "claude.json"
    target.write_bytes(b"v1")
    seen = read_snapshot(target)
    target.write_bytes(b"v2 written by the client meanwhile")
    with pytest.raises(WriteConflictError, match="changed since it was read"):
        atomic_write(target, b"ours", expected=seen)
    assert target.read_bytes() == b"v2 written by the client meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["claude.json"]


def test_compare_and_swap_succeeds_when_unchanged(tmp_path: Path):
    target = tmp_path / "claude.json"
    target.write_bytes(b"v1")
    atomic_write(target, b"v2", expected=read_snapshot(target))
    assert target.read_bytes() == b"v2"


def test_compare_and_swap_on_a_file_that_appeared(tmp_path: Path):
    target = tmp_path / "new.json"
    seen = read_snapshot(target)
    assert not seen.exists
    target.write_bytes(b"someone else")
    with pytest.raises(WriteConflictError):
        atomic_write(target, b"ours", expected=seen)


@needs_posix
def test_private_dir_is_0700_and_tightened(tmp_path: Path):
    state = tmp_path / "state" / "hardener"
    ensure_private_dir(state)
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    os.chmod(state, 0o755)
    ensure_private_dir(state)
    assert stat.S_IMODE(state.stat().st_mode) == 0o700


def test_private_dir_refuses_a_symlink(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "state"
    link.symlink_to(elsewhere)
    with pytest.raises(StateDirError, match="not a real directory"):
        ensure_private_dir(link)


@needs_posix
def test_write_private_is_0600_and_refuses_symlinks(tmp_path: Path):
    path = write_private(tmp_path / "own" / "secret.json", b"{}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    victim = tmp_path / "victim"
    victim.write_bytes(b"do not touch")
    (tmp_path / "own" / "link.json").symlink_to(victim)
    with pytest.raises(StateDirError, match="symlink"):
        write_private(tmp_path / "own" / "link.json", b"x")
    assert victim.read_bytes() == b"do not touch"


@needs_posix
def test_append_is_private_and_never_follows_links(tmp_path: Path):
    fd = open_private_append(tmp_path / "spool.jsonl")
    os.write(fd, b"line\n")
    os.close(fd)
    assert stat.S_IMODE((tmp_path / "spool.jsonl").stat().st_mode) == 0o600
    (tmp_path / "evil.jsonl").symlink_to(tmp_path / "spool.jsonl")
    with pytest.raises(FileWriteError):
        open_private_append(tmp_path / "evil.jsonl")
