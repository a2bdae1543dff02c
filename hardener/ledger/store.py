"""Ledger files on disk: segments, appending, fsync, torn-tail repair, locks, public data (L2).

Layout under ``<state>/ledger/`` (0700, files 0600)::

    ledger.jsonl                 the active segment (the only file ever appended to)
    ledger-<first seq>.jsonl     archived segments, renamed from ledger.jsonl when it grew past
                                 ``ledger.segment_bytes`` (never copy-truncated)
    writer.lock                  held (flock) by the one sealer for its whole life
    verified.json                where ``log verify`` last verified a checkpoint (its fast path)
    export-state.json            the last exported seq per export target

``<state>/public/ledger.json`` (dir 0755, file 0644) holds what anyone may read: the log id, the
first checkpoint public key and its fingerprint, for ``status`` and MDM inventory. No secrets.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hardener.errors import FileWriteError, NoLedgerError, StateDirError
from hardener.filelock import OPEN_FLAGS, is_held_elsewhere, try_lock, unlock
from hardener.fsutil import (
    PUBLIC_MAX_BYTES,
    atomic_write,
    ensure_private_dir,
    open_nofollow,
    open_private_append,
    write_private,
)
from hardener.ledger.chain.record import ACTIVE_SEGMENT
from hardener.paths import HardenerPaths

ACTIVE = ACTIVE_SEGMENT
LOCK = "writer.lock"
VERIFIED = "verified.json"
PUBLIC = "ledger.json"
_ARCHIVE = re.compile(r"ledger-(\d{12})\.jsonl")
READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class Segment:
    path: Path
    first_seq: int | None  # known from the name for archives; None for the active file

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def active(self) -> bool:
        return self.path.name == ACTIVE


def list_segments(ledger_dir: Path) -> list[Segment]:
    """Archives by first seq, then the active segment (when present)."""
    archives: list[Segment] = []
    try:
        names = os.listdir(ledger_dir)
    except FileNotFoundError:
        return []
    for name in names:
        match = _ARCHIVE.fullmatch(name)
        if match:
            archives.append(Segment(ledger_dir / name, int(match.group(1))))
    archives.sort(key=lambda s: s.first_seq or 0)
    if ACTIVE in names:
        archives.append(Segment(ledger_dir / ACTIVE, None))
    return archives


def iter_lines(
    path: Path, offset: int = 0, first_line: int = 1
) -> Iterator[tuple[int, int, bytes]]:
    """``(line number, byte offset, line)`` from ``offset``; the last may lack its newline."""
    with open(path, "rb", buffering=READ_CHUNK, opener=open_nofollow) as handle:
        handle.seek(offset)
        number = first_line
        for line in handle:
            yield number, offset, line
            offset += len(line)
            number += 1


def read_line_at(path: Path, offset: int, length: int) -> bytes:
    with open(path, "rb", opener=open_nofollow) as handle:
        handle.seek(offset)
        return handle.read(length)


def last_line(path: Path, limit: int = 1 << 20) -> bytes | None:
    """The last complete line of a file (read backwards), or None."""
    with open(path, "rb", opener=open_nofollow) as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return None
        start = max(0, size - limit)
        handle.seek(start)
        data = handle.read()
    end = data.rfind(b"\n")
    if end < 0:
        return None
    begin = data.rfind(b"\n", 0, end) + 1
    return data[begin : end + 1]


def first_line(path: Path) -> bytes | None:
    with open(path, "rb", opener=open_nofollow) as handle:
        line = handle.readline()
    return line if line.endswith(b"\n") else None


def torn_tail(path: Path) -> bytes:
    """The bytes after the last newline (read only)."""
    with open(path, "rb", opener=open_nofollow) as handle:
        size = handle.seek(0, os.SEEK_END)
        back = min(size, 1 << 16)
        while True:
            handle.seek(size - back)
            data = handle.read(back)
            cut = data.rfind(b"\n")
            if cut >= 0:
                return data[cut + 1 :]
            if back == size:
                return data
            back = min(size, back * 4)


def cut_torn_tail(path: Path) -> bytes:
    """Cut the bytes after the last newline (a write cut short by a crash); returns them."""
    with open(path, "r+b", opener=open_nofollow) as handle:
        size = handle.seek(0, os.SEEK_END)
        back = min(size, 1 << 20)
        tail = b""
        while back:
            handle.seek(size - back)
            data = handle.read(back)
            cut = data.rfind(b"\n")
            if cut >= 0:
                tail = data[cut + 1 :]
                break
            if back == size:
                tail = data
                break
            back = min(size, back * 4)
        if tail:
            handle.truncate(size - len(tail))
            handle.flush()
            os.fsync(handle.fileno())
    return tail


class AppendFile:
    """The active segment opened for appending (0600, never through a symlink).

    Opened read-write (writes still always append): when the file is deleted or replaced under
    the writer, what it holds can still be read back through this descriptor
    (:meth:`copy_into`).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = open_private_append(path, readable=True)
        self.size = os.fstat(self._fd).st_size

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError as exc:
            raise FileWriteError(f"cannot append to {self.path}: {exc.strerror or exc}") from exc
        self.size += len(data)

    @property
    def fd(self) -> int:
        return self._fd

    def sync(self) -> None:
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def detached(self) -> str | None:
        """Why the path no longer names this open file (``deleted``, ``replaced``), or None."""
        return detached_fd(self._fd, self.path)

    def copy_into(self, target: Path) -> int:
        """Write everything this descriptor holds into a new private file ``target`` (which must
        not exist), fsynced; returns the bytes copied."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        out = os.open(target, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
        copied = 0
        try:
            os.lseek(self._fd, 0, os.SEEK_SET)  # writes ignore the offset (O_APPEND)
            while chunk := os.read(self._fd, READ_CHUNK):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view) :]
                copied += len(chunk)
            os.fsync(out)
        finally:
            os.close(out)
        return copied


def detached_fd(fd: int, path: Path) -> str | None:
    """``deleted`` when ``path`` is gone, ``replaced`` when it names another file than ``fd``."""
    try:
        held = os.fstat(fd)
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return "deleted"
    except OSError:
        return None  # cannot tell (a transient error): the next batch looks again
    if (held.st_dev, held.st_ino) != (named.st_dev, named.st_ino):
        return "replaced"
    return None


# --- the single-writer lock ------------------------------------------------------------------


class WriterLock:
    """Held by the one sealer for its whole life; a second one is refused (on every OS)."""

    def __init__(self, ledger_dir: Path) -> None:
        self.path = ledger_dir / LOCK
        self._fd = os.open(self.path, OPEN_FLAGS | os.O_CREAT, 0o600)
        if not try_lock(self._fd):
            os.close(self._fd)
            try:
                holder = self.path.read_text(encoding="ascii", errors="replace").strip()
            except OSError:  # Windows: the locked byte cannot be read
                holder = ""
            raise StateDirError(
                f"another hardener process is sealing this ledger (pid {holder or '?'})",
                remedy="Stop the other 'hardener daemon run' first; only one may seal.",
            )
        os.ftruncate(self._fd, 0)
        os.lseek(self._fd, 0, os.SEEK_SET)
        os.write(self._fd, str(os.getpid()).encode())

    def detached(self) -> bool:
        """The lock file at the path is not the one held (the directory was deleted or swapped)."""
        return self._fd >= 0 and detached_fd(self._fd, self.path) is not None

    def release(self) -> None:
        if self._fd >= 0:
            unlock(self._fd)
            os.close(self._fd)
            self._fd = -1


def writer_active(ledger_dir: Path) -> bool:
    """Is a sealer running right now (then a torn last line is a write in progress)?"""
    return is_held_elsewhere(ledger_dir / LOCK)


# --- small JSON state files ------------------------------------------------------------------


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object file, or None when absent, unreadable, a symlink or too big (a cache: never
    trusted blindly)."""
    try:
        with open(path, "rb", opener=open_nofollow) as handle:
            data = handle.read(PUBLIC_MAX_BYTES + 1)
        if len(data) > PUBLIC_MAX_BYTES:
            return None
        value = json.loads(data)
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def write_state(path: Path, data: dict[str, object]) -> None:
    write_private(path, json.dumps(data, indent=1, sort_keys=True).encode() + b"\n")


def ensure_ledger_dir(paths: HardenerPaths) -> Path:
    ensure_private_dir(paths.state_dir)
    return ensure_private_dir(paths.ledger_dir)


# --- public values ---------------------------------------------------------------------------


def public_file(paths: HardenerPaths) -> Path:
    return paths.public_dir / PUBLIC


def read_public(paths: HardenerPaths) -> dict[str, Any] | None:
    return read_json(public_file(paths))


def require_public(paths: HardenerPaths) -> dict[str, object]:
    """The public ledger data, or :class:`NoLedgerError` (exit 3) when none is enrolled here."""
    public = read_public(paths)
    if public is None and list_segments(paths.ledger_dir):
        raise StateDirError(
            f"{public_file(paths)} is missing but {paths.ledger_dir} holds a ledger: its public "
            "values (log id, first key) were deleted",
            remedy="Nothing was changed. Start the agent ('hardener daemon run'): it rebuilds the "
            "public values from the ledger's genesis and checks them against the keychain.",
        )
    if public is None:
        raise NoLedgerError(f"no ledger is enrolled here ({public_file(paths)} is missing)")
    return public


def write_public(paths: HardenerPaths, data: dict[str, object]) -> None:
    """World-readable public values (0755 dir, 0644 file); nothing secret may go here."""
    ensure_private_dir(paths.state_dir)
    directory = paths.public_dir
    directory.mkdir(mode=0o755, exist_ok=True)
    if directory.is_symlink():
        raise StateDirError(f"{directory} is a symlink; hardener never follows links there")
    with contextlib.suppress(OSError):
        os.chmod(directory, 0o755)  # noqa: S103 - public values are meant to be world-readable
    target = atomic_write(
        public_file(paths), json.dumps(data, indent=1).encode() + b"\n", mode=0o644
    )
    with contextlib.suppress(OSError):
        os.chmod(target, 0o644)
